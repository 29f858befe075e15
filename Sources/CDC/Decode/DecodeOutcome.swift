public import Catalog
public import Parquet

/// A topic resolved once by `ChangeDecoder.route(forTopic:)`, so that decoding a record never
/// looks a topic name up. Valid only with the decoder that made it.
public struct TopicRoute: Sendable, Hashable {
    /// Position in the decoder's route table.
    let index: Int
}

/// A table of a decoder, by position (cheap to pass on the hot path).
public struct TableID: Sendable, Hashable {
    /// Position in the decoder's table list.
    public let index: Int
}

/// The kind of change a row records (`_op`).
public struct ChangeOperation: Sendable, Hashable, CustomStringConvertible {
    /// The `_op` byte: `c`, `u`, `d` or `r`.
    public let code: UInt8

    /// An insert.
    public static let create = ChangeOperation(code: UInt8(ascii: "c"))
    /// An update.
    public static let update = ChangeOperation(code: UInt8(ascii: "u"))
    /// A delete (a delete event or a tombstone).
    public static let delete = ChangeOperation(code: UInt8(ascii: "d"))
    /// A snapshot read.
    public static let read = ChangeOperation(code: UInt8(ascii: "r"))

    /// `c`, `u`, `d` or `r`.
    public var description: String { String(Unicode.Scalar(code)) }
}

/// What one record became.
public enum DecodeOutcome: Sendable {
    /// A row was appended to `table`'s builders.
    case row(TableID, ChangeOperation)
    /// A heartbeat: the source time in UTC microseconds since the epoch (nil for a heartbeat
    /// table's tombstone, which carries none). No row is appended.
    case heartbeat(sourceTimestampMicros: Int64?)
    /// The record could not become a row; nothing was appended.
    case deadLetter(DeadLetter)
}

/// The rows a table's builders held, moved out by `ChangeDecoder.takeBatch`.
public struct DecodedBatch: Sendable {
    /// The table version every row conforms to: the newest at the time of taking. Rows decoded
    /// under older schemas are projected onto it (nulls in the columns they lacked).
    public var definition: TableDefinition
    /// The decoded columns (system and source) in staging order, without enrichment columns.
    public var columns: ColumnBatch
    /// For each column of `columns`, its position in `definition.columns` (where the engine
    /// inserts the enrichment columns around them).
    public var columnPositions: [Int]

    /// The Parquet schema of `columns`.
    public var schema: Schema { definition.decodedSchema }
    /// Number of rows.
    public var rowCount: Int { columns.rowCount }
}
