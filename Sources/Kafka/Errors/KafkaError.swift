public import Failures

/// The one error type of the Kafka module.
///
/// Every failure carries librdkafka's own error code (`rd_kafka_resp_err_t`), so callers match
/// `error.code == .illegalGeneration`, never the message. The classification properties tell a
/// caller what to do next:
/// - `isFencing`: this member (or producer) was fenced; in-flight work for its partitions must
///   be abandoned, never committed. Retrying the same request cannot succeed.
/// - `isRetriable`: a transient fault (broker down, timeout, coordinator moving); retry with
///   backoff.
/// - `isFatal`: the client instance is unusable; close it and create a new one.
///
/// Messages never contain secrets: configuration values of sensitive properties are withheld
/// (see `KafkaPropertyList.isSensitive`).
public struct KafkaError: MillraceError {
    /// A librdkafka error code. The static members name the codes Millrace matches on; any
    /// other code librdkafka reports is carried as is (see `rawValue` and `name`).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// librdkafka's numeric code: negative for errors raised by the client itself
        /// (`RD_KAFKA_RESP_ERR__*`), positive for Kafka protocol errors sent by a broker.
        public let rawValue: Int32

        /// The code with librdkafka's numeric value `rawValue`.
        public init(rawValue: Int32) {
            self.rawValue = rawValue
        }

        /// librdkafka's symbolic name without the prefix, e.g. `ILLEGAL_GENERATION`, `_TIMED_OUT`.
        public var name: String { RDKafkaErrorNames.name(of: rawValue) }

        public var description: String { "\(name) (\(rawValue))" }
    }

    /// What went wrong, by librdkafka's code.
    public let code: Code
    /// A message for humans: the operation that failed and librdkafka's reason. Never a secret.
    public let message: String
    /// The underlying error, when another error caused this one.
    public let underlying: (any Error & Sendable)?
    /// Set when librdkafka flagged the error fatal (`rd_kafka_error_is_fatal`, `_FATAL`).
    private let fatalFlag: Bool
    /// Set when librdkafka flagged the error retriable (`rd_kafka_error_is_retriable`).
    private let retriableFlag: Bool
    /// Set when the transactional producer must abort the current transaction
    /// (`rd_kafka_error_txn_requires_abort`).
    public let transactionRequiresAbort: Bool

    /// An error with `code` and `message`. The flags add librdkafka's own classification of an
    /// `rd_kafka_error_t` to the one derived from the code.
    public init(
        _ code: Code,
        _ message: String,
        underlying: (any Error & Sendable)? = nil,
        fatal: Bool = false,
        retriable: Bool = false,
        transactionRequiresAbort: Bool = false
    ) {
        self.code = code
        self.message = message
        self.underlying = underlying
        self.fatalFlag = fatal
        self.retriableFlag = retriable
        self.transactionRequiresAbort = transactionRequiresAbort
    }

    /// True when this member or producer was fenced by the coordinator: a stale generation,
    /// an unknown member, a rebalance under way, a newer static member or producer instance,
    /// or an assignment this consumer no longer holds. Work for the affected partitions must
    /// be abandoned; retrying the same request cannot succeed.
    public var isFencing: Bool { KafkaErrorClassification.fencing.contains(code) }

    /// True when the same operation may succeed if retried after a backoff (transient broker,
    /// network or coordinator faults). Fencing and fatal errors are never retriable.
    public var isRetriable: Bool {
        guard !isFatal, !isFencing else { return false }
        return retriableFlag || KafkaErrorClassification.retriable.contains(code)
    }

    /// True when the client instance is unusable and must be closed and recreated.
    public var isFatal: Bool { fatalFlag || code == .fatal }

}
