/// The runtime layer's one error type: configuration, wiring and lifecycle failures.
public struct RuntimeError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as a stable identifier.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable {
            case configuration, authentication, kafka, staging, dimension, source, input
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The configuration file or environment is invalid (fatal: exit non-zero).
        public static let configuration = Code(.configuration)
        /// Credentials were refused (fatal: exit non-zero).
        public static let authentication = Code(.authentication)
        /// The Kafka source failed beyond retries.
        public static let kafka = Code(.kafka)
        /// The staging store failed beyond retries.
        public static let staging = Code(.staging)
        /// A dimension could not be loaded.
        public static let dimension = Code(.dimension)
        /// A backfill's source database failed (`--source postgres`).
        public static let source = Code(.source)
        /// An input file cannot be read, or is not in the format it was given as (`--input`).
        public static let input = Code(.input)

        public var description: String { value.rawValue }
    }

    /// The stable identifier.
    public var code: Code
    /// What happened, for humans. Never contains secrets.
    public var message: String
    /// The error this one wraps, if any.
    public var underlying: (any Error & Sendable)?
    /// Whether retrying may succeed.
    public var isRetriable: Bool

    /// An error with its code, message, cause and retriability.
    public init(_ code: Code, _ message: String, underlying: (any Error & Sendable)? = nil, isRetriable: Bool = false) {
        self.code = code
        self.message = message
        self.underlying = underlying
        self.isRetriable = isRetriable
    }

    public var description: String {
        if let underlying { return "\(code) error: \(message) (\(underlying))" }
        return "\(code) error: \(message)"
    }
}
