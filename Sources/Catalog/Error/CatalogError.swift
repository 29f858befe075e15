public import Failures

/// Why the catalog (the `Schemas/` registry) could not be read, validated or evolved.
///
/// Callers match on `code`, never on `message`, which is for humans and names the file and the
/// key path at fault.
public struct CatalogError: MillraceError {
    /// What kind of failure this is (`ErrorCode<CatalogError>`). Match on codes, never on messages.
    public typealias Code = ErrorCode<CatalogError>

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
}

extension ErrorCode where Layer == CatalogError {
    /// A file or folder could not be read or written.
    public static let io = Self("io")
    /// A file is not well-formed YAML.
    public static let yaml = Self("yaml")
    /// A declaration is missing a key, has an unknown key, or refers to something absent.
    public static let invalidDeclaration = Self("invalid_declaration")
    /// A column type or Connect encoding is not valid (for example `decimal(40,2)`).
    public static let invalidType = Self("invalid_type")
    /// A table version does not evolve compatibly from the one before it.
    public static let incompatibleVersion = Self("incompatible_version")
    /// A table named by a lookup or a reference does not exist.
    public static let unknownTable = Self("unknown_table")
    /// Two declarations claim the same name, topic or version.
    public static let duplicate = Self("duplicate")
}
