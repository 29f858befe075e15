@testable import CDC
import Catalog
import Foundation
import MillraceTesting
import Parquet
import Testing

/// Snapshot tables for the reader's tests: one column of every column type, and the shipped
/// `dim_attributes`.
enum SnapshotTable {
    /// Every column type; `label` is read from the file column `Label Text`.
    static let typesYAML = """
        table: snap_types
        version: 1
        source: {snapshot: types}
        keys: {merge: [id]}
        columns:
          - {name: id, type: bigint, nullable: false}
          - {name: flag, type: boolean}
          - {name: ratio, type: double}
          - {name: amount, type: "decimal(20,5)"}
          - {name: small, type: "decimal(5,2)"}
          - {name: code, type: "varchar(8)"}
          - {name: doc, type: json}
          - {name: uid, type: uuid}
          - {name: day, type: date}
          - {name: local_at, type: timestamp}
          - {name: at, type: timestamptz}
          - {name: clock, type: time}
          - {name: clock_utc, type: timetz}
          - {name: blob, type: bytes}
          - {name: label, type: varchar, source: Label Text}
        """

    static func types() throws -> TableDefinition {
        try Catalog.definition(yaml: typesYAML)
    }

    static func attributes() throws -> TableDefinition {
        let catalog = try Catalog.load(directory: PackagePaths.schemas.path)
        return try #require(catalog.table("dim_attributes")?.current)
    }

    /// The `CDCError` that `body` throws, or nil when it returns (another error is an issue).
    static func failure(sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) -> CDCError? {
        do {
            try body()
            return nil
        } catch let error as CDCError {
            return error
        } catch {
            Issue.record("expected a CDCError, got \(error)", sourceLocation: sourceLocation)
            return nil
        }
    }

    /// Reads `text` in `format`.
    static func read(
        _ text: String, _ format: SnapshotFormat, _ definition: TableDefinition, limits: SnapshotLimits = SnapshotLimits()
    ) throws -> SnapshotRows {
        try SnapshotReader.read(Array(text.utf8), format: format, definition: definition, limits: limits)
    }

    /// Each loaded row as RowFormatter renders it (dates, times and timestamps in ISO-8601,
    /// decimals exact, bytes base64, JSON embedded).
    static func rendered(_ rows: SnapshotRows, _ definition: TableDefinition) -> [String] {
        let positions = definition.columns.indices.filter { definition.columns[$0].sourceField != nil }
        let batch = DecodedBatch(definition: definition, columns: rows.columns, columnPositions: positions)
        return (0..<rows.rowCount).map { RowFormatter.json(batch, row: $0) }
    }

    /// The value at `row` of column `column` as text: integers in decimal, booleans
    /// `true`/`false`, strings as they are, nil for null (only the types `dim_attributes` has).
    static func text(_ rows: SnapshotRows, column: Int, row: Int) -> String? {
        let data = rows.columns.columns[column]
        if let validity = data.validity, !validity[row] { return nil }
        switch data.values {
        case .int64(let values): return String(values[row])
        case .boolean(let values): return String(values[row])
        case .byteArray(let values): return String(decoding: values.bytes[values.offsets[row]..<values.offsets[row + 1]], as: UTF8.self)
        default: return "<\(data.values)>"
        }
    }
}
