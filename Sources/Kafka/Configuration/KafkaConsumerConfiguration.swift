/// Configuration of a `KafkaConsumer`.
///
/// The defaults suit Millrace's exactly-once pipeline: offsets are committed only explicitly
/// (`enable.auto.commit=false`, `enable.auto.offset.store=false`), partitions move with the
/// `cooperative-sticky` assignor, a partition without committed offset starts at the oldest
/// message, and prefetching is bounded per partition so memory stays bounded at any backlog.
/// Any other librdkafka property can be set by name in `connection.properties`, which is
/// applied last; the properties the commit fence and the consumer's own bookkeeping depend on
/// (`reservedProperties`) are refused there.
public struct KafkaConsumerConfiguration: Sendable {
    /// Brokers, identity, security and pass-through properties.
    /// Default: `KafkaConnectionConfiguration()` (localhost:9092).
    public var connection = KafkaConnectionConfiguration()
    /// Consumer group (`group.id`). librdkafka needs one even for `assign` without `subscribe`.
    /// Default: `"millrace"`.
    public var groupID: String = "millrace"
    /// Static membership id (`group.instance.id`): a restarted member with the same id keeps
    /// its partitions without a rebalance, and an older member using it is fenced.
    /// Default: nil (dynamic membership).
    public var groupInstanceID: String? = nil
    /// Where to start in partitions without committed offset (`auto.offset.reset`).
    /// Default: `.earliest`.
    public var autoOffsetReset: KafkaAutoOffsetReset = .earliest
    /// Which transactional messages to read (`isolation.level`). Default: `.readCommitted`.
    public var isolationLevel: KafkaIsolationLevel = .readCommitted
    /// Assignors in order of preference (`partition.assignment.strategy`).
    /// Default: `"cooperative-sticky"`.
    public var partitionAssignmentStrategy: String = "cooperative-sticky"
    /// Time without heartbeat after which the coordinator evicts the member, in ms
    /// (`session.timeout.ms`). Default: 45000.
    public var sessionTimeoutMs: Int = 45_000
    /// Interval between heartbeats, in ms (`heartbeat.interval.ms`); keep it well below the
    /// session timeout. Default: 3000.
    public var heartbeatIntervalMs: Int = 3_000
    /// Longest allowed gap between two polls, in ms (`max.poll.interval.ms`). A member that
    /// exceeds it leaves the group and its commits are refused (fencing). Default: 300000.
    public var maxPollIntervalMs: Int = 300_000
    /// Prefetched bytes librdkafka may hold for the application, in KiB
    /// (`queued.max.messages.kbytes`). The high-level consumer forwards every partition's
    /// fetch queue into one consumer queue and librdkafka 2.0.2 measures this threshold on it,
    /// so it bounds the prefetch of all partitions together: peak prefetch memory is about
    /// this plus one fetch response per broker (`fetchMaxBytes`). Once it is reached, brokers
    /// stop fetching and librdkafka 2.0.2 re-checks a full queue only once a second, so a
    /// consumer that drains more than this per second can wait for data after each refill:
    /// size it to about a second of consumption within the memory budget.
    /// Default: 65536 (64 MiB, librdkafka's default).
    public var queuedMaxMessagesKbytes: Int = 65_536
    /// Prefetched messages librdkafka may hold for the application (`queued.min.messages`),
    /// measured like `queuedMaxMessagesKbytes` on the one consumer queue. Default: 100000.
    public var queuedMinMessages: Int = 100_000
    /// Upper bound of one fetch response, in bytes (`fetch.max.bytes`); one may be in flight
    /// per broker. Default: 8388608.
    public var fetchMaxBytes: Int = 8 * 1_024 * 1_024
    /// Bytes requested per partition in one fetch (`max.partition.fetch.bytes`).
    /// Default: 1048576.
    public var maxPartitionFetchBytes: Int = 1_024 * 1_024
    /// Longest time the broker waits to fill a fetch response, in ms (`fetch.wait.max.ms`).
    /// Default: 500.
    public var fetchWaitMaxMs: Int = 500
    /// Report reaching the end of a partition in `KafkaPollSummary.partitionsAtEnd`
    /// (`enable.partition.eof`). Default: false.
    public var reportsPartitionEOF: Bool = false
    /// How long `commit` keeps retrying while the coordinator answers `REBALANCE_IN_PROGRESS`,
    /// in ms. A cooperative rebalance runs the revoke handler while other members may still be
    /// syncing, and the coordinator refuses commits until they all have; a fenced member gets
    /// a generation error instead, so retrying cannot let a stale commit through. 0 disables
    /// the retries. Default: 5000.
    public var rebalanceCommitRetryMs: Int = 5_000
    /// Longest commit metadata accepted by `commit`, in UTF-8 bytes (Kafka's broker default
    /// `offset.metadata.max.bytes`). Longer metadata is refused before any request is sent.
    /// Default: 4096.
    public var maxOffsetMetadataBytes: Int = 4_096
    /// Least time between two wake-ups of the fetchers, in ms; 0 sends none. A poll that
    /// leaves fewer than `queuedMinMessages` messages prefetched sends one (at most this often,
    /// from a helper queue, never blocking the poll): a ListOffsets request for one assigned
    /// partition per leader broker. librdkafka 2.0.2 stops fetching while the consumer queue is
    /// over `queuedMinMessages` or `queuedMaxMessagesKbytes`, and its broker thread decides
    /// again only when an operation arrives or after a second (rdkafka_fetcher.c
    /// `rd_kafka_toppar_fetch_decide`, rdkafka_broker.c `rd_kafka_broker_consumer_serve`;
    /// 2.1 added `fetch.queue.backoff.ms` for it): a consumer slower than its brokers, like a
    /// backfill reading retained data, otherwise idles most of every second once the queue
    /// fills, and a larger queue only delays that at the cost of memory. Default: 0.
    public var fetchWakeIntervalMs: Int = 0
    /// Largest `maxMessages` a single `poll` accepts (bounds the message-pointer buffer).
    /// Default: 100000.
    public var maxPollBatch: Int = 100_000

    /// The defaults, for brokers at `bootstrapServers` and consumer group `groupID`.
    public init(bootstrapServers: String = "localhost:9092", groupID: String = "millrace") {
        self.connection = KafkaConnectionConfiguration(bootstrapServers: bootstrapServers)
        self.groupID = groupID
    }

    /// librdkafka properties `connection.properties` may not set, each with the reason. The
    /// exactly-once commit fence needs manual commits of the offsets the caller names
    /// (`enable.auto.commit`, `enable.auto.offset.store`) in the group they belong to
    /// (`group.id`, `group.instance.id`); the rebalance handler's guarantees are stated for the
    /// chosen assignor; and the consumer reads the other typed fields back (rewinding to
    /// `autoOffsetReset`, probing at `isolationLevel`, reporting partition ends), so an
    /// override would make it and librdkafka disagree. Aliases librdkafka accepts are listed too.
    public static let reservedProperties: [String: String] = [
        "bootstrap.servers": "set connection.bootstrapServers",
        "metadata.broker.list": "set connection.bootstrapServers",
        "group.id": "set groupID",
        "group.instance.id": "set groupInstanceID",
        "enable.auto.commit": "offsets are committed only explicitly, by commit(_:), the exactly-once fence",
        "auto.commit.enable": "offsets are committed only explicitly, by commit(_:), the exactly-once fence",
        "enable.auto.offset.store": "only the offsets given to commit(_:) are committed",
        "partition.assignment.strategy": "set partitionAssignmentStrategy",
        "auto.offset.reset": "set autoOffsetReset",
        "isolation.level": "set isolationLevel",
        "enable.partition.eof": "set reportsPartitionEOF",
    ]

    /// Throws `.invalidArgument` when `connection.properties` sets a reserved property
    /// (`reservedProperties`); the first in name order is named with its reason.
    public func validate() throws(KafkaError) {
        guard let name = connection.properties.keys.sorted().first(where: { Self.reservedProperties[$0] != nil }) else { return }
        throw KafkaError(.invalidArgument, "librdkafka property \(name) is managed by the consumer and cannot be overridden: \(Self.reservedProperties[name] ?? "")")
    }

    /// Every librdkafka property of this configuration, pass-through properties last (call
    /// `validate()` first: they may not replace the reserved ones).
    var properties: KafkaPropertyList {
        var list = connection.baseProperties
        list["group.id"] = groupID
        if let groupInstanceID { list["group.instance.id"] = groupInstanceID }
        list["enable.auto.commit"] = "false"
        list["enable.auto.offset.store"] = "false"
        list["auto.offset.reset"] = autoOffsetReset.propertyValue
        list["isolation.level"] = isolationLevel.propertyValue
        list["partition.assignment.strategy"] = partitionAssignmentStrategy
        list["session.timeout.ms"] = String(sessionTimeoutMs)
        list["heartbeat.interval.ms"] = String(heartbeatIntervalMs)
        list["max.poll.interval.ms"] = String(maxPollIntervalMs)
        list["queued.max.messages.kbytes"] = String(queuedMaxMessagesKbytes)
        list["queued.min.messages"] = String(queuedMinMessages)
        list["fetch.max.bytes"] = String(fetchMaxBytes)
        list["max.partition.fetch.bytes"] = String(maxPartitionFetchBytes)
        list["fetch.wait.max.ms"] = String(fetchWaitMaxMs)
        list["enable.partition.eof"] = reportsPartitionEOF ? "true" : "false"
        list.merge(connection.properties)
        return list
    }
}
