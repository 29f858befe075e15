public import Failures

/// The loader's one error type: a code callers match on, a message for humans (never a
/// password), the cause, and whether retrying may help.
public struct LoaderError: MillraceError {
    /// What kind of failure this is (`ErrorCode<LoaderError>`). Match on codes, never on messages.
    public typealias Code = ErrorCode<LoaderError>

    /// The stable identifier.
    public var code: Code
    /// What happened, for humans. Never contains secrets.
    public var message: String
    /// The error this one wraps, if any.
    public var underlying: (any Error & Sendable)?

    /// An error with its code, message and cause.
    public init(_ code: Code, _ message: String, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    /// Whether retrying the same work later may succeed.
    public var isRetriable: Bool { [.connection, .staging, .warehouse, .alreadyLoaded].contains(code) }
}

extension ErrorCode where Layer == LoaderError {
    /// The warehouse could not be reached, or the connection or statement broke in a way
    /// retrying may fix (connection loss, server shutdown, serialization failure, throttling).
    public static let connection = Self("connection")
    /// The load's data was refused: a staged file is missing or unreadable, or a value
    /// failed the COPY or a constraint. The same load fails again; its batch is quarantined.
    public static let data = Self("data")
    /// Another loader took the lease; this load was not committed.
    public static let leaseLost = Self("leaseLost")
    /// The ledger already holds a batch of the load; nothing was loaded twice.
    public static let alreadyLoaded = Self("alreadyLoaded")
    /// The loader's settings cannot work (URL, credentials, target, dialect).
    public static let configuration = Self("configuration")
    /// The staging store failed (listing or reading commit records).
    public static let staging = Self("staging")
    /// The warehouse refused a statement for a reason that is neither the data nor the
    /// connection (permissions, a missing object): the cycle fails and is retried later.
    public static let warehouse = Self("warehouse")
    /// A test's crash hook stopped the loader at a step (tests only).
    public static let crashed = Self("crashed")
}
