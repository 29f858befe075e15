public import Kafka
public import LoadGen

/// Produces generated records to Kafka (the load generator's `--bootstrap` path) with the
/// idempotent producer, awaiting every delivery report: a record that is not delivered fails
/// the run instead of vanishing.
public final class KafkaRecordSink: RecordSink {
    private let producer: KafkaProducer
    private var pending: [KafkaProducerRecord] = []
    /// Records per awaited batch.
    private let batchSize: Int
    /// Records delivered so far.
    public private(set) var delivered = 0

    /// A sink producing with `producer`, awaiting deliveries every `batchSize` records.
    public init(producer: KafkaProducer, batchSize: Int = 2_000) {
        self.producer = producer
        self.batchSize = max(1, batchSize)
    }

    /// A sink with a new idempotent producer for `bootstrapServers`.
    public convenience init(bootstrapServers: String, properties: [String: String] = [:]) throws {
        var configuration = KafkaProducerConfiguration(bootstrapServers: bootstrapServers)
        configuration.connection.properties = properties
        self.init(producer: try KafkaProducer(configuration: configuration))
    }

    /// Queues `record`; every `batchSize` records the queue is sent and its deliveries awaited.
    public func write(_ record: LoadRecord) async throws {
        pending.append(KafkaProducerRecord(
            topic: record.topic, partition: record.partition, key: record.key, value: record.value, timestampMs: record.timestampMs))
        if pending.count >= batchSize { try await drain() }
    }

    /// Sends what is queued, awaits every delivery, and flushes the producer.
    public func finish() async throws {
        try await drain()
        try await producer.flush(timeout: .seconds(30))
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
