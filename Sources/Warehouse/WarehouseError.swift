public import Failures

/// The warehouse layer's one error type.
public struct WarehouseError: MillraceError {
    /// What kind of failure this is (`ErrorCode<WarehouseError>`). Match on codes, never on messages.
    public typealias Code = ErrorCode<WarehouseError>

    /// The stable identifier.
    public var code: Code
    /// What happened, for humans.
    public var message: String
    /// Nothing: the warehouse layer plans, it does no I/O that could fail under it.
    public var underlying: (any Error & Sendable)? { nil }

    /// An error with its code and message.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
}

extension ErrorCode where Layer == WarehouseError {
    /// A commit record names a table `Schemas/` does not declare.
    public static let unknownTable = Self("unknownTable")
    /// A commit record names a table version the catalog does not know.
    public static let unknownVersion = Self("unknownVersion")
    /// A schema change the target warehouse cannot apply in place (for example more decimal
    /// digits on a Redshift sort or distribution key column).
    public static let unsupportedChange = Self("unsupportedChange")
    /// A staged value cannot be written in the warehouse's text form (for example a DATE
    /// outside PostgreSQL's range).
    public static let invalidValue = Self("invalidValue")
}
