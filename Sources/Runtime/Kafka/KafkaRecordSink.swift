public import Kafka
public import LoadGen
import Retry

/// Produces generated records to Kafka (the load generator's `--bootstrap` path) with the
/// idempotent producer, awaiting every delivery report: a record that is not delivered fails
/// the run instead of vanishing.
///
/// With a transactional id, each awaited batch is produced in one transaction, as Kafka Connect
/// writes a source task's records under `exactly.once.source.support=enabled` (KIP-618,
/// Debezium 2.x): the topics then hold transaction control records between the changes, which a
/// `read_committed` consumer (the worker) skips, leaving gaps in the offsets.
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
    /// Each batch is one transaction.
    private let transactional: Bool
    /// Partition count per topic, from metadata.
    private var partitionCounts: [String: Int] = [:]
    /// Retries the per-topic metadata lookup through transient errors (a topic being created
    /// answers `LEADER_NOT_AVAILABLE` for a moment).
    private let metadataRetry = RetryPolicy(maxAttempts: 8)
    /// Records delivered so far.
    public private(set) var delivered = 0

    /// A sink producing with `producer`, awaiting deliveries every `batchSize` records, each
    /// batch in a transaction when `transactional` (the producer's transactions initialised).
    public init(producer: KafkaProducer, batchSize: Int = 2_000, transactional: Bool = false) {
        self.producer = producer
        self.batchSize = max(1, batchSize)
        self.transactional = transactional
    }

    /// A sink with a new idempotent producer for `bootstrapServers`; `properties` are
    /// librdkafka properties by their own names (TLS, SASL, ...), applied last. With
    /// `transactionalID`, every batch is a transaction of that producer id.
    public convenience init(bootstrapServers: String, properties: [String: String] = [:], transactionalID: String? = nil) throws {
        var configuration = KafkaProducerConfiguration(bootstrapServers: bootstrapServers)
        configuration.connection.properties = properties
        configuration.transactionalID = transactionalID
        let producer = try KafkaProducer(configuration: configuration)
        if transactionalID != nil { try producer.initTransactions(timeout: .seconds(30)) }
        self.init(producer: producer, transactional: transactionalID != nil)
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
        if transactional { try await producer.beginTransaction() }
        for report in try await producer.send(batch) {
            _ = try report.get()
        }
        if transactional { try await producer.commitTransaction(timeout: .seconds(30)) }
        delivered += batch.count
    }
}
