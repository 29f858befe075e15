/// Configuration of a `KafkaProducer`.
///
/// Idempotent by default (`enable.idempotence=true`, hence `acks=all`): retries after lost
/// responses never write a message twice, and order per partition is kept. Any librdkafka
/// property can be set by name in `connection.properties`, which is applied last.
public struct KafkaProducerConfiguration: Sendable {
    /// Codec for produced batches (`compression.codec`).
    public struct Compression: Hashable, Sendable {
        private enum Kind: String, Hashable, Sendable {
            case none, gzip, snappy, lz4, zstd
        }

        private let kind: Kind

        /// Uncompressed batches.
        public static let none = Self(kind: .none)
        /// gzip.
        public static let gzip = Self(kind: .gzip)
        /// Snappy, as the Debezium topics Millrace reads are written.
        public static let snappy = Self(kind: .snappy)
        /// LZ4.
        public static let lz4 = Self(kind: .lz4)
        /// Zstandard.
        public static let zstd = Self(kind: .zstd)

        /// librdkafka's value for the property.
        var propertyValue: String { kind.rawValue }
    }

    /// Brokers, identity, security and pass-through properties.
    /// Default: `KafkaConnectionConfiguration()` (localhost:9092).
    public var connection = KafkaConnectionConfiguration()
    /// Exactly-once delivery per partition with retries (`enable.idempotence`). Default: true.
    public var enableIdempotence: Bool = true
    /// Enables the transactional API under this id (`transactional.id`); it must be stable
    /// across restarts of the same logical producer so older instances get fenced.
    /// Default: nil (not transactional).
    public var transactionalID: String? = nil
    /// Longest a transaction may stay open before the coordinator aborts it, in ms
    /// (`transaction.timeout.ms`). Used only with `transactionalID`. Default: 60000.
    public var transactionTimeoutMs: Int = 60_000
    /// Codec for produced batches. Default: `.snappy`.
    public var compression: Compression = .snappy
    /// Time to wait for more messages before sending a batch, in ms (`linger.ms`). Default: 5.
    public var lingerMs: Int = 5
    /// Longest time a message may wait for delivery, retries included, in ms
    /// (`message.timeout.ms`); then its delivery fails with `.messageTimedOut`. Capped at
    /// `transactionTimeoutMs` for a transactional producer. Default: 300000.
    public var messageTimeoutMs: Int = 300_000
    /// Bytes the local queue may hold before sends wait, in KiB
    /// (`queue.buffering.max.kbytes`). Bounds the producer's memory. Default: 65536.
    public var queueBufferingMaxKbytes: Int = 65_536
    /// Messages the local queue may hold before sends wait (`queue.buffering.max.messages`).
    /// Default: 100000.
    public var queueBufferingMaxMessages: Int = 100_000
    /// How long `close()` waits for queued messages to be delivered, in ms. Default: 30000.
    public var closeFlushTimeoutMs: Int = 30_000

    /// The defaults, for brokers at `bootstrapServers`.
    public init(bootstrapServers: String = "localhost:9092") {
        self.connection = KafkaConnectionConfiguration(bootstrapServers: bootstrapServers)
    }

    /// Every librdkafka property of this configuration, pass-through properties last.
    var properties: KafkaPropertyList {
        var list = connection.baseProperties
        list["enable.idempotence"] = enableIdempotence ? "true" : "false"
        if let transactionalID {
            list["transactional.id"] = transactionalID
            list["transaction.timeout.ms"] = String(transactionTimeoutMs)
        }
        list["compression.codec"] = compression.propertyValue
        list["linger.ms"] = String(lingerMs)
        // librdkafka refuses a message timeout longer than the transaction timeout.
        let messageTimeout = transactionalID == nil ? messageTimeoutMs : min(messageTimeoutMs, transactionTimeoutMs)
        list["message.timeout.ms"] = String(messageTimeout)
        list["queue.buffering.max.kbytes"] = String(queueBufferingMaxKbytes)
        list["queue.buffering.max.messages"] = String(queueBufferingMaxMessages)
        list.merge(connection.properties)
        return list
    }
}
