public import Failures

/// The engine's one error type: a code callers match on, a message for humans, the cause.
public struct EngineError: MillraceError {
    /// What kind of failure this is (`ErrorCode<EngineError>`). Match on codes, never on messages.
    public typealias Code = ErrorCode<EngineError>

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

    /// Whether the batch that raised this error may have been committed by the fence, so that
    /// nothing it wrote may be deleted and its offsets must not be staged again by this worker.
    public var batchMayBeCommitted: Bool {
        code == .commitOutcomeUnknown || code == .finalizeDeferred
    }
}

/// The claim a batch lost (`EngineError.Code.schemaConflict`): `version` of `table` belongs to
/// `definition` (the `Schemas/` YAML another batch claimed or committed).
public struct SchemaVersionConflict: Error, Sendable, Hashable {
    /// The table.
    public var table: String
    /// The version number both batches derived.
    public var version: Int
    /// The declaration that holds the number.
    public var definition: String

    /// A lost claim of `version` of `table`, held by `definition`.
    public init(table: String, version: Int, definition: String) {
        self.table = table
        self.version = version
        self.definition = definition
    }
}

extension ErrorCode where Layer == EngineError {
    /// A batch does not have the columns or types a step needs (a programming error upstream).
    public static let invalidBatch = Self("invalidBatch")
    /// A staging key template is malformed.
    public static let invalidTemplate = Self("invalidTemplate")
    /// The staging store failed (see the underlying error for whether it is retriable).
    public static let staging = Self("staging")
    /// This worker no longer owns the partitions it tried to commit; its batch was abandoned.
    public static let fenced = Self("fenced")
    /// The batch grew too old (`CommitTiming`) before its fence was attempted: the sweep of
    /// another worker may resolve it any moment. It was abandoned; its records are read again.
    public static let expired = Self("expired")
    /// The fence commit failed after an attempt that may have been applied, and the offsets
    /// read back did not show it (or could not be read): Kafka may hold the batch, now or
    /// later. Its files and ready record are kept for `recover` and `sweep`, which decide
    /// from Kafka's answer; the worker must not stage those offsets again without reading
    /// Kafka's committed offsets first.
    public static let commitOutcomeUnknown = Self("commitOutcomeUnknown")
    /// The fence committed the batch but writing its committed record failed. The batch is
    /// committed (its offsets are in Kafka); `recover` or `sweep` writes the record later.
    public static let finalizeDeferred = Self("finalizeDeferred")
    /// Another batch claimed the schema version this batch evolved to, with a different
    /// declaration. Nothing was staged under that number; the batch was abandoned. The
    /// underlying `SchemaVersionConflict` holds the claimed declaration: adopt it as that
    /// version and derive this batch's change again as the next one.
    public static let schemaConflict = Self("schemaConflict")
    /// A commit record or checkpoint in the staging store could not be read.
    public static let corruptRecord = Self("corruptRecord")
    /// A dimension snapshot or checkpoint could not be loaded.
    public static let dimension = Self("dimension")
}
