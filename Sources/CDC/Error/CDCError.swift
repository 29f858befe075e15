/// Why a decoder could not be set up or asked something, or why a snapshot file cannot be read
/// at all (not a bad record or row: those become `DeadLetter`s and `SnapshotRejection`s).
/// Callers match on `code`.
public struct CDCError: Error, Sendable, CustomStringConvertible {
    /// What kind of problem this is.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable {
            case invalidConfiguration = "invalid_configuration"
            case unknownTable = "unknown_table"
            case unsupportedFormat = "unsupported_format"
            case invalidSnapshot = "invalid_snapshot"
            case limitExceeded = "limit_exceeded"
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// A configuration value is out of its range.
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// A table id or name that this decoder does not know.
        public static let unknownTable = Code(.unknownTable)
        /// A snapshot format name or file extension that is not csv, ndjson or parquet.
        public static let unsupportedFormat = Code(.unsupportedFormat)
        /// A snapshot file that cannot be read as a whole: its header lacks a NOT NULL column or
        /// names one twice, or a Parquet file is corrupt or types a column unlike the declaration.
        public static let invalidSnapshot = Code(.invalidSnapshot)
        /// An input larger than its configured limit (`SnapshotLimits`), refused before parsing.
        public static let limitExceeded = Code(.limitExceeded)

        /// The code's stable snake_case name.
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

    /// Never: these are programming or configuration errors, or files that reading again
    /// will not fix.
    public var isRetriable: Bool { false }

    /// The code and the message.
    public var description: String { "\(code): \(message)" }
}
