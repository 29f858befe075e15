public import Failures

/// The staging layer's one error type: a store operation failed, a key was invalid, or a
/// record could not be read.
public struct StagingError: MillraceError {
    /// What kind of failure this is (`ErrorCode<StagingError>`). Match on codes, never on messages.
    public typealias Code = ErrorCode<StagingError>

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
}

extension ErrorCode where Layer == StagingError {
    /// The store could not read, write, list or delete (see `isRetriable`).
    public static let store = Self("store")
    /// A key is not a relative path inside the store (`..`, absolute, empty segments).
    public static let invalidKey = Self("invalidKey")
    /// A commit record exists but cannot be decoded, or has a format this build does not read.
    public static let corruptRecord = Self("corruptRecord")
}
