public import Staging
/// The fencing point of the commit protocol: the Kafka consumer group's offset commit.
///
/// `commit` stores the next offset to read for every partition, each with the batch id as its
/// metadata, in one request. The group coordinator refuses it when this member is no longer
/// part of the current generation (it was fenced by a rebalance); the implementation must then
/// throw an `EngineError` with code `.fenced`. When the commit may have landed but its outcome
/// cannot be learned (the answer was lost and reading the offsets back failed too), it must throw
/// `.commitOutcomeUnknown`. Any other error means the offsets were not committed.
public protocol OffsetFence: AnyObject {
    /// Commits `offsets` with `metadata` attached to every partition, or throws `.fenced`.
    func commit(_ offsets: [SourcePartition: Int64], metadata: String) throws
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
