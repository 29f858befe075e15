import CDC
import Engine
import Staging

/// What the pipeline has consumed since the last commit: offset ranges per partition, dead
/// letters and counters. The decoded rows themselves sit in the decoder's builders.
struct OpenBatch {
    private(set) var ranges: [SourcePartition: SourceRange] = [:]
    private(set) var deadLetters: [DeadLetter] = []
    private(set) var deadLetterBytes = 0
    private(set) var stats = BatchStats()
    /// When the first record arrived (ms, monotonic); nil while the batch is empty.
    private(set) var openedAtMillis: Int64?

    /// True when nothing was consumed.
    var isEmpty: Bool { ranges.isEmpty }

    /// Records a consumed message.
    mutating func consumed(_ partition: SourcePartition, offset: Int64, nowMillis: Int64) {
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
    mutating func heartbeat(sourceMicros: Int64?) {
        stats.heartbeats += 1
        if let sourceMicros {
            stats.sourceTimeMillis = max(stats.sourceTimeMillis ?? .min, sourceMicros / 1000)
        }
    }

    /// Keeps a dead letter (its bytes count toward the batch's memory bound).
    mutating func deadLetter(_ letter: DeadLetter) {
        deadLetterBytes += (letter.key?.count ?? 0) + (letter.value?.count ?? 0) + letter.message.utf8.count
        deadLetters.append(letter)
    }

    /// Records a consumed message and what the decoder made of it.
    mutating func record(_ outcome: DecodeOutcome, _ partition: SourcePartition, offset: Int64, nowMillis: Int64 = 0) {
        consumed(partition, offset: offset, nowMillis: nowMillis)
        switch outcome {
        case .row: break
        case .heartbeat(let micros): heartbeat(sourceMicros: micros)
        case .deadLetter(let letter): deadLetter(letter)
        }
    }

    /// True when the batch holds data of any of `partitions`.
    func touches(_ partitions: [SourcePartition]) -> Bool {
        partitions.contains { ranges[$0] != nil }
    }

    /// Where each partition of the batch starts: where to rewind when the batch is abandoned.
    var startOffsets: [SourcePartition: Int64] {
        ranges.mapValues(\.startOffset)
    }
}
