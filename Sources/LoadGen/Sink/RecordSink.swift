/// What a generated record is, so that tests and the summary can tell them apart.
public enum LoadRecordKind: Sendable, Hashable {
    /// A change event (insert, update, delete or snapshot read).
    case change
    /// A tombstone (null value) following a delete.
    case tombstone
    /// A byte-identical redelivery of an earlier record.
    case duplicate
    /// A Debezium heartbeat or a `_heartbeat` table change.
    case heartbeat
    /// A deliberately broken record; the decoder must dead-letter it with `expectedReason`.
    case malformed(expectedReason: String)
}

/// One Kafka record as the load generator produces it.
public struct LoadRecord: Sendable {
    /// The topic.
    public var topic: String
    /// The partition, from the key as Kafka's default partitioner picks it (murmur2 of the key
    /// bytes, positive, modulo `LoadGenConfiguration.partitions`). File sinks write it; a
    /// Kafka sink recomputes it with each topic's real partition count (`partition(among:)`).
    public var partition: Int32
    /// The key bytes (JSON, `schemas.enable=false`), nil for none.
    public var key: [UInt8]?
    /// The value bytes (JsonConverter, `schemas.enable=true`), nil for a tombstone.
    public var value: [UInt8]?
    /// The record timestamp, milliseconds since the epoch (the simulated source clock).
    public var timestampMs: Int64
    /// What the record is.
    public var kind: LoadRecordKind

    /// A record with every attribute given.
    public init(topic: String, partition: Int32, key: [UInt8]?, value: [UInt8]?, timestampMs: Int64, kind: LoadRecordKind) {
        self.topic = topic
        self.partition = partition
        self.key = key
        self.value = value
        self.timestampMs = timestampMs
        self.kind = kind
    }
}

/// Where generated records go: a file (`FileRecordSink`) or a Kafka producer
/// (`KafkaRecordSink` in the Runtime module). `write` is called once per record in order; `finish` flushes and waits for
/// delivery.
public protocol RecordSink: AnyObject {
    /// Takes one record (the key and value are the bytes Kafka would carry).
    func write(_ record: LoadRecord) async throws
    /// Flushes everything written; after it returns every record is durable or delivered.
    func finish() async throws
}

/// Why the load generator failed. Callers match on `code`.
public struct LoadGenError: Error, Sendable, CustomStringConvertible {
    /// What kind of problem this is.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable {
            case invalidConfiguration = "invalid_configuration"
            case io
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// An option is out of range or names something the catalog lacks.
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// Writing an output file failed.
        public static let io = Code(.io)

        /// The stable snake_case name.
        public var description: String { value.rawValue }
    }

    /// The kind of problem.
    public var code: Code
    /// For humans.
    public var message: String
    /// The underlying cause, if any.
    public var underlying: (any Error & Sendable)?

    /// An error with its code, message and optional cause.
    public init(_ code: Code, _ message: String, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    /// Only I/O failures may succeed on a retry.
    public var isRetriable: Bool { code == .io }

    /// The code and the message.
    public var description: String { "\(code): \(message)" }
}
