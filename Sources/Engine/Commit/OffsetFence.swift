public import Staging
/// The fencing point of the commit protocol: the Kafka consumer group's offset commit.
///
/// `commit` stores the next offset to read for every partition, each with the batch id as its
/// metadata, in one request. What it throws tells the committer what it may delete:
/// - `.fenced`: the group refused the commit (this member is no longer part of the current
///   generation) and no attempt of this call can have been applied.
/// - `.expired`: `inTime` answered false before any attempt started; nothing was sent.
/// - `.commitOutcomeUnknown`: an attempt may have reached the coordinator and been applied, and
///   reading the offsets back did not show it (or failed). The batch must be kept for `recover`
///   and the sweep, which decide from what Kafka holds.
/// - any other error: the offsets were not committed.
/// When an attempt may have been applied and the offsets read back carry this commit, the
/// commit succeeded, whatever later attempts answered.
public protocol OffsetFence: AnyObject {
    /// Commits `offsets` with `metadata` attached to every partition. `inTime` is asked before
    /// every attempt, the first included; no attempt starts once it answers false.
    func commit(_ offsets: [SourcePartition: Int64], metadata: String, while inTime: () -> Bool) throws
    /// The committed offset and metadata of each partition (missing when never committed).
    func committed(_ partitions: [SourcePartition]) throws -> [SourcePartition: CommittedOffset]
    /// Whether this member currently owns `partition` (its assignment, as the consumer sees it).
    func owns(_ partition: SourcePartition) -> Bool
}

/// A committed consumer-group offset.
public struct CommittedOffset: Sendable, Hashable {
    /// The next offset to read.
    public var offset: Int64
    /// The metadata stored with it (a batch id for Millrace's commits).
    public var metadata: String?

    /// An offset with its metadata.
    public init(offset: Int64, metadata: String?) {
        self.offset = offset
        self.metadata = metadata
    }
}
