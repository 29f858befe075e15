/// The staging layer's one error type: a store operation failed, a key was invalid, or a
/// record could not be read.
public struct StagingError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as a stable identifier.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable { case store, invalidKey, corruptRecord }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The store could not read, write, list or delete (see `isRetriable`).
        public static let store = Code(.store)
        /// A key is not a relative path inside the store (`..`, absolute, empty segments).
        public static let invalidKey = Code(.invalidKey)
        /// A commit record exists but cannot be decoded, or has a format this build does not read.
        public static let corruptRecord = Code(.corruptRecord)

        public var description: String { value.rawValue }
    }

    /// The stable identifier.
    public var code: Code
    /// What happened, for humans. Never contains secrets.
    public var message: String
    /// The error this one wraps, if any.
    public var underlying: (any Error & Sendable)?
    /// Whether retrying the same operation may succeed.
    public var isRetriable: Bool

    /// An error with its code, message, cause and retriability.
    public init(_ code: Code, _ message: String, underlying: (any Error & Sendable)? = nil, isRetriable: Bool = false) {
        self.code = code
        self.message = message
        self.underlying = underlying
        self.isRetriable = isRetriable
    }

    public var description: String {
        if let underlying { return "\(code): \(message) (\(underlying))" }
        return "\(code): \(message)"
    }
}
