public import Failures

/// Why a decoder could not be set up or asked something, or why a snapshot file cannot be read
/// at all (not a bad record or row: those become `DeadLetter`s and `SnapshotRejection`s).
/// Callers match on `code`.
public struct CDCError: MillraceError {
    /// What kind of failure this is (`ErrorCode<CDCError>`). Match on codes, never on messages.
    public typealias Code = ErrorCode<CDCError>

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

    /// Never: these are programming or configuration errors, or files that reading again
    /// will not fix.
    public var isRetriable: Bool { false }
}

extension ErrorCode where Layer == CDCError {
    /// A configuration value is out of its range.
    public static let invalidConfiguration = Self("invalid_configuration")
    /// A table id or name that this decoder does not know.
    public static let unknownTable = Self("unknown_table")
    /// A snapshot format name or file extension that is not csv, ndjson or parquet.
    public static let unsupportedFormat = Self("unsupported_format")
    /// A snapshot file that cannot be read as a whole: its header lacks a NOT NULL column or
    /// names one twice, or a Parquet file is corrupt or types a column unlike the declaration.
    public static let invalidSnapshot = Self("invalid_snapshot")
    /// An input larger than its configured limit (`SnapshotLimits`), refused before parsing.
    public static let limitExceeded = Self("limit_exceeded")
}
