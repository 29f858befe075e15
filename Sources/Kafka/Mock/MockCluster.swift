public import Logging

/// A Kafka cluster on loopback for tests, benchmarks and `millrace mock-kafka`: librdkafka's
/// mock cluster (`rdkafka_mock.h`), brokers speaking the real protocol, run by librdkafka
/// threads inside this process. Any Kafka client (kcat, librdkafka, Millrace) can use it.
///
/// Limits of librdkafka 2.0.2's mock: about 5 MB (and 100,000 batches) retained per partition,
/// older data is purged; ListOffsets by timestamp answers -1; no SASL; no CreateTopics
/// (create topics here); it does not check that a committing member owns the partitions
/// (only its generation and member id).
public final class MockCluster: Sendable {
    private let cluster: RDKafkaMockCluster

    /// Broker ids, 1 through `brokerCount`.
    public let brokerIDs: ClosedRange<Int32>
    /// `host:port,...` of every broker, for `bootstrap.servers`.
    public let bootstrapServers: String

    /// Starts `brokers` brokers (1 or more) on loopback, on ports the system chooses.
    public init(brokers: Int = 3, logger: Logger = Logger(label: "millrace.kafka.mock")) throws {
        guard (1...32).contains(brokers) else {
            throw KafkaError(.invalidArgument, "a mock cluster has 1 ... 32 brokers, not \(brokers)")
        }
        var properties = KafkaPropertyList()
        properties["client.id"] = "millrace-mock-cluster"
        // The host client has no brokers of its own by design, and librdkafka says so at notice
        // level ("No `bootstrap.servers` configured"). Its notices are only about itself (the
        // mock logs errors only), so the host logs warnings and errors.
        properties["log_level"] = "4"
        let callbacks = RDKafkaCallbacks(logger: logger, statistics: nil, oauthBearerTokenProvider: nil) { error in
            logger.debug("mock cluster host: \(error)")
        }
        let host = try RDKafkaClient(kind: .producer, properties: properties, callbacks: callbacks)
        cluster = try RDKafkaMockCluster(brokers: Int32(brokers), host: host)
        brokerIDs = 1...Int32(brokers)
        bootstrapServers = cluster.bootstrapServers
    }

    /// Most partitions a mock topic may have. librdkafka's mock keeps every partition's log and
    /// state in memory, so the bound keeps a typo from allocating without limit.
    public static let maxPartitions = 10_000

    /// Creates `name` with `partitions` partitions (1 ... `maxPartitions`) and
    /// `replicationFactor` replicas (at most the broker count).
    public func createTopic(_ name: String, partitions: Int, replicationFactor: Int = 1) throws {
        guard (1...Self.maxPartitions).contains(partitions), (1...brokerIDs.count).contains(replicationFactor) else {
            throw KafkaError(.invalidArgument, "topic \(name): \(partitions) partitions and replication \(replicationFactor) are out of range")
        }
        try cluster.createTopic(name, partitions: Int32(partitions), replicationFactor: Int32(replicationFactor))
    }

    /// Makes the next `errors.count` requests of type `api` (to any broker) fail with these
    /// codes, in order (`rd_kafka_mock_push_request_errors_array`).
    public func pushRequestErrors(_ api: KafkaAPIKey, _ errors: [KafkaError.Code]) {
        cluster.pushRequestErrors(apiKey: api.rawValue, errors)
    }

    /// Makes the next `answers.count` requests of type `api` to broker `broker` answer, in order,
    /// with each code after each delay (`rd_kafka_mock_broker_push_request_error_rtts`). With
    /// `.noError` the request is handled normally (an offset commit is stored) and only its
    /// answer is delayed: a client whose `socket.timeout.ms` is shorter sees a timeout for a
    /// request that took effect. These answers come before those of `pushRequestErrors`.
    public func pushRequestErrors(broker: Int32, _ api: KafkaAPIKey, _ answers: [(code: KafkaError.Code, rttMilliseconds: Int)]) throws {
        try cluster.pushBrokerRequestErrors(
            broker: broker, apiKey: api.rawValue, answers.map { ($0.code, Int32(clamping: $0.rttMilliseconds)) })
    }

    /// Takes broker `id` down: its connections close and new ones are refused.
    public func setBrokerDown(_ id: Int32) throws {
        try cluster.setBrokerDown(id, true)
    }

    /// Brings broker `id` back up.
    public func setBrokerUp(_ id: Int32) throws {
        try cluster.setBrokerDown(id, false)
    }

    /// Delays every response of broker `id` by `milliseconds` (0 removes the delay).
    public func setBrokerRTT(_ id: Int32, milliseconds: Int) throws {
        try cluster.setBrokerRTT(id, milliseconds: Int32(clamping: milliseconds))
    }

    /// Moves the leadership of `topic`'s `partition` to broker `broker`.
    public func setPartitionLeader(topic: String, partition: Int32, broker: Int32) throws {
        try cluster.setPartitionLeader(topic: topic, partition: partition, broker: broker)
    }

    /// Makes every request for `topic` fail with `error` (`.noError` clears it).
    public func setTopicError(_ topic: String, _ error: KafkaError.Code) {
        cluster.setTopicError(topic, error)
    }
}
