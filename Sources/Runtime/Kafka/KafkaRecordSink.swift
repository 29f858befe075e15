public import Kafka
public import LoadGen
import Retry

/// Produces generated records to Kafka (the load generator's `--bootstrap` path) with the
/// idempotent producer, awaiting every delivery report: a record that is not delivered fails
/// the run instead of vanishing.
///
/// Each record goes to the partition Kafka's default partitioner gives its key (murmur2, as
/// Java producers and librdkafka's `murmur2_random` compute it) among the topic's real
/// partitions, read from the cluster's metadata once per topic: topics of one cluster may
/// have different partition counts, whatever `LoadGenConfiguration.partitions` says.
public final class KafkaRecordSink: RecordSink {
    private let producer: KafkaProducer
    private var pending: [KafkaProducerRecord] = []
    /// Records per awaited batch.
    private let batchSize: Int
    /// Partition count per topic, from metadata.
    private var partitionCounts: [String: Int] = [:]
    /// Retries the per-topic metadata lookup through transient errors (a topic being created
    /// answers `LEADER_NOT_AVAILABLE` for a moment).
    private let metadataRetry = RetryPolicy(maxAttempts: 8)
    /// Records delivered so far.
    public private(set) var delivered = 0

    /// A sink producing with `producer`, awaiting deliveries every `batchSize` records.
    public init(producer: KafkaProducer, batchSize: Int = 2_000) {
        self.producer = producer
        self.batchSize = max(1, batchSize)
    }

    /// A sink with a new idempotent producer for `bootstrapServers`; `properties` are
    /// librdkafka properties by their own names (TLS, SASL, ...), applied last.
    public convenience init(bootstrapServers: String, properties: [String: String] = [:]) throws {
        var configuration = KafkaProducerConfiguration(bootstrapServers: bootstrapServers)
        configuration.connection.properties = properties
        self.init(producer: try KafkaProducer(configuration: configuration))
    }

    /// Queues `record` for its key's partition; every `batchSize` records the queue is sent
    /// and its deliveries awaited.
    public func write(_ record: LoadRecord) async throws {
        let count = try await partitionCount(of: record.topic)
        pending.append(KafkaProducerRecord(
            topic: record.topic, partition: record.partition(among: count), key: record.key, value: record.value,
            timestampMs: record.timestampMs))
        if pending.count >= batchSize { try await drain() }
    }

    /// Sends what is queued, awaits every delivery, and flushes the producer.
    public func finish() async throws {
        try await drain()
        try await producer.flush(timeout: .seconds(30))
    }

    /// `topic`'s partition count, asked of the cluster the first time.
    private func partitionCount(of topic: String) async throws -> Int {
        if let known = partitionCounts[topic] { return known }
        let partitions = try await metadataRetry.run(KafkaRetryLogic<[Int32]>()) { _ in
            try await producer.partitions(of: topic, timeout: .seconds(10))
        }
        guard !partitions.isEmpty else {
            throw KafkaError(.unknownPartition, "topic \(topic) has no partitions to produce to")
        }
        partitionCounts[topic] = partitions.count
        return partitions.count
    }

    private func drain() async throws {
        guard !pending.isEmpty else { return }
        let batch = pending
        pending.removeAll(keepingCapacity: true)
        for report in try await producer.send(batch) {
            _ = try report.get()
        }
        delivered += batch.count
    }
}
