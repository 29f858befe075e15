public import CDC
public import Catalog
public import Staging

/// What a worker has consumed since its last commit: offset ranges per partition, dead letters,
/// counters, and the schema changes its decoded rows imply that no committed batch announced
/// yet. The decoded rows themselves sit in the decoder's builders (one per table), which the
/// flush takes.
public struct OpenBatch: Sendable {
    /// The offset range read from each partition.
    public private(set) var ranges: [SourcePartition: SourceRange] = [:]
    /// The records that could not be decoded, with their original bytes.
    public private(set) var deadLetters: [DeadLetter] = []
    /// The dead letters' size, part of the batch's memory bound.
    public private(set) var deadLetterBytes = 0
    /// Counters for the commit record.
    public private(set) var stats = BatchStats()
    /// When the first record arrived (ms, monotonic); nil while the batch is empty.
    public private(set) var openedAtMillis: Int64?
    /// Schema changes to announce with the next committed batch: those its rows imply, and
    /// those of abandoned batches before it (their rows are read again, but the decoder derives
    /// a change once).
    public private(set) var schemaChanges: [SchemaChange] = []

    /// An empty batch.
    public init() {}

    /// True when nothing was consumed.
    public var isEmpty: Bool { ranges.isEmpty }

    /// Records a consumed message.
    public mutating func consumed(_ partition: SourcePartition, offset: Int64, nowMillis: Int64) {
        if openedAtMillis == nil { openedAtMillis = nowMillis }
        stats.recordsIn += 1
        if var range = ranges[partition] {
            range.startOffset = min(range.startOffset, offset)
            range.endOffset = max(range.endOffset, offset + 1)
            range.records += 1
            ranges[partition] = range
        } else {
            ranges[partition] = SourceRange(source: partition, startOffset: offset, endOffset: offset + 1, records: 1)
        }
    }

    /// Records a heartbeat's source time (µs since the epoch).
    public mutating func heartbeat(sourceMicros: Int64?) {
        stats.heartbeats += 1
        if let sourceMicros {
            stats.sourceTimeMillis = max(stats.sourceTimeMillis ?? .min, sourceMicros / 1000)
        }
    }

    /// Keeps a dead letter (its bytes count toward the batch's memory bound).
    public mutating func deadLetter(_ letter: DeadLetter) {
        deadLetterBytes += (letter.key?.count ?? 0) + (letter.value?.count ?? 0) + letter.message.utf8.count
        deadLetters.append(letter)
    }

    /// Records a consumed message and what the decoder made of it.
    public mutating func record(_ outcome: DecodeOutcome, _ partition: SourcePartition, offset: Int64, nowMillis: Int64 = 0) {
        consumed(partition, offset: offset, nowMillis: nowMillis)
        switch outcome {
        case .row: break
        case .heartbeat(let micros): heartbeat(sourceMicros: micros)
        case .deadLetter(let letter): deadLetter(letter)
        }
    }

    /// Adds the schema changes the decoder derived since the last call.
    public mutating func carry(_ changes: [SchemaChange]) {
        schemaChanges += changes
    }

    /// Replaces the pending schema changes (a version another worker claimed was adopted).
    public mutating func replaceSchemaChanges(_ changes: [SchemaChange]) {
        schemaChanges = changes
    }

    /// The next batch after this one was abandoned: empty, still carrying its schema changes.
    public func abandoned() -> OpenBatch {
        var next = OpenBatch()
        next.schemaChanges = schemaChanges
        return next
    }

    /// True when the batch holds data of any of `partitions`.
    public func touches(_ partitions: [SourcePartition]) -> Bool {
        partitions.contains { ranges[$0] != nil }
    }

    /// Where each partition of the batch starts: where to rewind when the batch is abandoned.
    public var startOffsets: [SourcePartition: Int64] {
        ranges.mapValues(\.startOffset)
    }
}
