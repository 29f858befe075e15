public import Staging
/// The fence of a bounded source that one process owns alone (a file replay, a backfill slice):
/// there is no consumer group to refuse a stale writer, so every commit succeeds and the
/// committed offsets are kept in memory for the run.
public final class SingleWriterFence: OffsetFence {
    private var offsets: [SourcePartition: CommittedOffset] = [:]

    /// A fence with nothing committed.
    public init() {}

    /// Records each partition's offset and `metadata` in memory; fails only with `.expired`,
    /// when `inTime` answers false.
    public func commit(_ offsets: [SourcePartition: Int64], metadata: String, while inTime: () -> Bool) throws {
        guard inTime() else { throw EngineError(.expired, "the batch is too old to be committed") }
        for (partition, offset) in offsets {
            self.offsets[partition] = CommittedOffset(offset: offset, metadata: metadata)
        }
    }

    /// The offsets committed in this run for `partitions`; partitions never committed are absent.
    public func committed(_ partitions: [SourcePartition]) throws -> [SourcePartition: CommittedOffset] {
        offsets.filter { partitions.contains($0.key) }
    }

    /// Always true: the one process is the only writer.
    public func owns(_ partition: SourcePartition) -> Bool { true }
}
