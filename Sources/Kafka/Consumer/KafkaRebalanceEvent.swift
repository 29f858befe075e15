/// A change of the partitions this group member owns, delivered synchronously on the polling
/// thread, from inside `poll` (or `close`), before librdkafka applies it.
public enum KafkaRebalanceEvent: Sendable, Equatable {
    /// These partitions were added. They are owned (and committable) while the handler runs;
    /// fetching starts at their committed offsets once it returns.
    case assigned([KafkaTopicPartition])
    /// These partitions are being taken away. They are still owned while the handler runs:
    /// finish and commit, or abandon, in-flight work for them inside the handler. Once it
    /// returns they are unassigned, and their new owner starts at the committed offsets.
    case revoking([KafkaTopicPartition])
    /// These partitions were lost without a revoke (session timeout, poll interval exceeded,
    /// fencing), as librdkafka reports it or as the consumer detects it when its group member
    /// id changed. Commits for them are refused: abandon their in-flight work.
    case lost([KafkaTopicPartition])

    /// The partitions concerned.
    public var partitions: [KafkaTopicPartition] {
        switch self {
        case .assigned(let partitions), .revoking(let partitions), .lost(let partitions): partitions
        }
    }
}

/// Reacts to rebalances; see `KafkaRebalanceEvent`. Called on the thread that polls, so it
/// may use that thread's state without locks, and may call `commit`, `committed`, `seek`,
/// `pause` and `resume` on the consumer, but not `poll` or `close`.
public typealias KafkaRebalanceHandler = (KafkaRebalanceEvent) -> Void

/// What one `poll` call did, apart from the messages it handed to the body.
public struct KafkaPollSummary: Sendable {
    /// Messages handed to the body.
    public var messageCount = 0
    /// Partitions whose end was reached (only with `reportsPartitionEOF`), with the offset
    /// at which the end was seen.
    public var partitionsAtEnd: [KafkaTopicPartitionOffset] = []
    /// Non-fatal consumer errors librdkafka reported in this call (already logged). librdkafka
    /// retries them itself; they are here for metrics and health.
    public var errors: [KafkaError] = []
    /// Messages fetched for partitions that were revoked during the call and therefore not
    /// handed to the body: their new owner reads them from the committed offset.
    public var discardedAfterRevocation = 0

    /// An empty summary.
    public init() {}
}
