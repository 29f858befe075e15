/// The warehouse layer's one error type.
public struct WarehouseError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as a stable identifier.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable { case unknownTable, unknownVersion, unsupportedChange, invalidValue }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// A commit record names a table `Schemas/` does not declare.
        public static let unknownTable = Code(.unknownTable)
        /// A commit record names a table version the catalog does not know.
        public static let unknownVersion = Code(.unknownVersion)
        /// A schema change the target warehouse cannot apply in place (for example more decimal
        /// digits on a Redshift sort or distribution key column).
        public static let unsupportedChange = Code(.unsupportedChange)
        /// A staged value cannot be written in the warehouse's text form (for example a DATE
        /// outside PostgreSQL's range).
        public static let invalidValue = Code(.invalidValue)

        public var description: String { value.rawValue }
    }

    /// The stable identifier.
    public var code: Code
    /// What happened, for humans.
    public var message: String

    /// An error with its code and message.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
