public import CDC
public import Catalog
public import Staging

/// Everything a closed batch holds, handed from the pipeline to `BatchFlusher`.
public struct BatchInput: Sendable {
    /// The batch's identity.
    public var batchID: BatchID
    /// Offset ranges consumed, one per partition.
    public var sources: [SourceRange]
    /// Decoded rows per table (tables without rows omitted).
    public var tables: [DecodedBatch]
    /// Records that could not become rows.
    public var deadLetters: [DeadLetter]
    /// Schema changes found while decoding.
    public var schemaChanges: [SchemaChange]
    /// Counters gathered while consuming (records in, heartbeats, newest source time).
    public var stats: BatchStats
    /// Partitions the worker owned that were read to their end when the batch closed.
    public var caughtUp: [SourcePartition] = []
    /// Partitions per consumed topic, where known (`CommitRecord.partitionCounts`).
    public var partitionCounts: [String: Int] = [:]
    /// When set, only rows whose event time (the partitioning time: the table's event-time
    /// column, else `_source_ts`) lies in this range, in µs since the epoch, are staged
    /// (`millrace backfill --event-time`); the others are counted in `stats.outsideEventTime`.
    /// Default: nil (every row).
    public var eventTimeWindow: Range<Int64>?
    /// When the batch id was made, on the committer's monotonic clock (`CommitTiming`), read
    /// just before making it: the start of the batch's age. Nil: when the flush begins.
    public var startedAtMillis: Int64?

    /// A batch input with every part given.
    public init(
        batchID: BatchID, sources: [SourceRange], tables: [DecodedBatch], deadLetters: [DeadLetter],
        schemaChanges: [SchemaChange], stats: BatchStats, eventTimeWindow: Range<Int64>? = nil, startedAtMillis: Int64? = nil
    ) {
        self.batchID = batchID
        self.sources = sources
        self.tables = tables
        self.deadLetters = deadLetters
        self.schemaChanges = schemaChanges
        self.stats = stats
        self.eventTimeWindow = eventTimeWindow
        self.startedAtMillis = startedAtMillis
    }
}
