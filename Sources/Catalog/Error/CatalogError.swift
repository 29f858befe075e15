/// Why the catalog (the `Schemas/` registry) could not be read, validated or evolved.
///
/// Callers match on `code`, never on `message`, which is for humans and names the file and the
/// key path at fault.
public struct CatalogError: Error, Sendable, CustomStringConvertible {
    /// What kind of problem this is.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable {
            case io
            case yaml
            case invalidDeclaration = "invalid_declaration"
            case invalidType = "invalid_type"
            case incompatibleVersion = "incompatible_version"
            case unknownTable = "unknown_table"
            case duplicate
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// A file or folder could not be read or written.
        public static let io = Code(.io)
        /// A file is not well-formed YAML.
        public static let yaml = Code(.yaml)
        /// A declaration is missing a key, has an unknown key, or refers to something absent.
        public static let invalidDeclaration = Code(.invalidDeclaration)
        /// A column type or Connect encoding is not valid (for example `decimal(40,2)`).
        public static let invalidType = Code(.invalidType)
        /// A table version does not evolve compatibly from the one before it.
        public static let incompatibleVersion = Code(.incompatibleVersion)
        /// A table named by a lookup or a reference does not exist.
        public static let unknownTable = Code(.unknownTable)
        /// Two declarations claim the same name, topic or version.
        public static let duplicate = Code(.duplicate)

        /// The code's stable snake_case name.
        public var description: String { value.rawValue }
    }

    /// The kind of problem.
    public var code: Code
    /// What went wrong, for humans: names the file and key path.
    public var message: String
    /// The error that caused this one (an I/O or YAML parser error), if any.
    public var underlying: (any Error & Sendable)?

    /// An error with its code, message and optional cause.
    public init(_ code: Code, _ message: String, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    /// Only I/O problems can go away by themselves; a bad declaration stays bad.
    public var isRetriable: Bool { code == .io }

    /// The code and message, with the cause when there is one (never a secret: there are none here).
    public var description: String {
        if let underlying { return "\(code): \(message) (\(underlying))" }
        return "\(code): \(message)"
    }
}
