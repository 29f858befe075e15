public import Failures

/// The runtime layer's one error type: configuration, wiring and lifecycle failures.
public struct RuntimeError: MillraceError {
    /// What kind of failure this is (`ErrorCode<RuntimeError>`). Match on codes, never on messages.
    public typealias Code = ErrorCode<RuntimeError>

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
}

extension ErrorCode where Layer == RuntimeError {
    /// The configuration file or environment is invalid (fatal: exit non-zero).
    public static let configuration = Self("configuration")
    /// Credentials were refused (fatal: exit non-zero).
    public static let authentication = Self("authentication")
    /// The Kafka source failed beyond retries.
    public static let kafka = Self("kafka")
    /// The staging store failed beyond retries.
    public static let staging = Self("staging")
    /// A dimension could not be loaded.
    public static let dimension = Self("dimension")
    /// A backfill's source database failed (`--source postgres`).
    public static let source = Self("source")
    /// An input file cannot be read, or is not in the format it was given as (`--input`).
    public static let input = Self("input")
}
