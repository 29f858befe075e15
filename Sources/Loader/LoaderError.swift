/// The loader's one error type: a code callers match on, a message for humans (never a
/// password), the cause, and whether retrying may help.
public struct LoaderError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as a stable identifier.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable {
            case connection, data, leaseLost, alreadyLoaded, configuration, staging, warehouse, crashed
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The warehouse could not be reached, or the connection or statement broke in a way
        /// retrying may fix (connection loss, server shutdown, serialization failure, throttling).
        public static let connection = Code(.connection)
        /// The load's data was refused: a staged file is missing or unreadable, or a value
        /// failed the COPY or a constraint. The same load fails again; its batch is quarantined.
        public static let data = Code(.data)
        /// Another loader took the lease; this load was not committed.
        public static let leaseLost = Code(.leaseLost)
        /// The ledger already holds a batch of the load; nothing was loaded twice.
        public static let alreadyLoaded = Code(.alreadyLoaded)
        /// The loader's settings cannot work (URL, credentials, target, dialect).
        public static let configuration = Code(.configuration)
        /// The staging store failed (listing or reading commit records).
        public static let staging = Code(.staging)
        /// The warehouse refused a statement for a reason that is neither the data nor the
        /// connection (permissions, a missing object): the cycle fails and is retried later.
        public static let warehouse = Code(.warehouse)
        /// A test's crash hook stopped the loader at a step (tests only).
        public static let crashed = Code(.crashed)

        public var description: String { value.rawValue }
    }

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

    public var description: String {
        if let underlying { return "\(code): \(message) (\(underlying))" }
        return "\(code): \(message)"
    }
}
