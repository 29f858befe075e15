import Catalog
import Parquet

/// The declared columns a snapshot fills, resolved once per read: each one's name in the file,
/// its conversions and whether it may be null, and the column builders the rows go into.
final class SnapshotColumns {
    /// One declared source column.
    struct Target {
        /// The column as declared.
        let column: Column
        /// Its name in the file (the declaration's `source`, else the column name).
        let fileName: String
        /// How its NDJSON value is read.
        let jsonConversion: Conversion
        /// How its CSV field (text) is read.
        let textConversion: Conversion
        /// True for NOT NULL columns: a row without a value is rejected.
        let isRequired: Bool
    }

    let definition: TableDefinition
    let targets: [Target]
    let schema: Schema
    let buffer: TableBuffer
    private let indexByFileName: [String: Int]
    private let required: [Int]

    /// The columns of `definition`, with builders reserving room for `rows` rows (an
    /// estimate; at most `maxReservedRows`).
    init(_ definition: TableDefinition, reserving rows: Int) {
        self.definition = definition
        let indices = definition.columns.indices.filter { definition.columns[$0].sourceField != nil }
        let targets = indices.map { index in
            let column = definition.columns[index]
            return Target(
                column: column, fileName: column.sourceField ?? column.name,
                jsonConversion: Self.conversion(for: column.type, textField: false),
                textConversion: Self.conversion(for: column.type, textField: true),
                isRequired: !column.nullable || definition.isRequiredInStaging(index)
            )
        }
        self.targets = targets
        schema = Schema(indices.map(definition.stagingField))
        buffer = TableBuffer(fields: schema.fields, reserving: min(max(rows, 16), Self.maxReservedRows))
        indexByFileName = Dictionary(targets.enumerated().map { ($1.fileName, $0) }) { first, _ in first }
        required = targets.indices.filter { targets[$0].isRequired }
    }

    /// The most rows reserved up front, whatever a file claims; the builders grow beyond.
    static let maxReservedRows = 1 << 20

    /// Reserves room for `rows` rows (at most `maxReservedRows`), and `bytes(target)` bytes
    /// for each byte-array target (estimates; the builders grow beyond).
    func reserve(rows: Int, bytes: (Int) -> Int) {
        let rows = min(max(rows, 16), Self.maxReservedRows)
        for target in targets.indices where buffer.stores[target].storage == .bytes {
            buffer.stores[target].bytes.reserveCapacity(min(bytes(target), rows * ColumnType.maxVarcharBytes))
        }
        for target in targets.indices { buffer.stores[target].reserve(rows) }
    }

    /// The target named `name` in the file, or nil.
    func target(named name: String) -> Int? {
        indexByFileName[name]
    }

    /// The plan for an NDJSON line: one member per target, in declaration order (the order a
    /// writer most likely uses), other members skipped.
    func ndjsonPlan() -> RowPlan {
        RowPlan(
            fields: targets.enumerated().map { ($1.fileName, FieldAction.column(index: $0, conversion: $1.jsonConversion)) },
            requiredColumns: [], skipsUnknown: true
        )
    }

    /// Ends the row being built: nulls for the columns it lacks, then the NOT NULL check.
    /// On success the row counts; on failure the caller rolls the buffer back.
    func finishRow() throws(DecodeFailure) {
        buffer.fillMissing(from: 0)
        if let index = buffer.firstNull(among: required) {
            throw DecodeFailure(.missingRequiredField, "NOT NULL column `\(targets[index].fileName)` is null or absent")
        }
        buffer.rowCount += 1
    }

    /// Ends `rows` rows appended a whole column at a time from row `buffer.rowCount` on: nulls
    /// for the columns they lack, then the NOT NULL check over all of them. True when the rows
    /// count; false when a NOT NULL column holds a null among them (the caller rolls back).
    func finishRows(_ rows: Int) -> Bool {
        let start = buffer.rowCount
        for index in 0..<buffer.columnCount where buffer.stores[index].count == start {
            buffer.stores[index].appendNulls(rows)
        }
        guard !required.contains(where: { buffer.stores[$0].hasNull(from: start) }) else { return false }
        buffer.rowCount += rows
        return true
    }

    /// The loaded rows with the rejections, moving the builders out.
    func rows(rejections: RejectionLog, ignoredColumns: [String]) -> SnapshotRows {
        SnapshotRows(
            schema: schema, columns: buffer.take(), rejected: rejections.kept, rejectedCount: rejections.count,
            ignoredColumns: ignoredColumns
        )
    }

    /// How a snapshot value of a `type` column is read. Snapshot files hold values in their
    /// text forms (docs/CDC.md, "Snapshot dimensions"): the decoder's conversions where a
    /// Connect encoding has that form, ISO-8601 without an offset for dates, local timestamps
    /// and times. A `json` value is any JSON value in NDJSON, JSON text in a CSV field.
    static func conversion(for type: ColumnType, textField: Bool) -> Conversion {
        let connect: ValueConversion
        switch type {
        case .date: return .isoDate
        case .time: return .localTime
        case .timestamp: return .localTimestamp
        case .boolean: connect = .boolean
        case .bigint: connect = .integer(bitWidth: 64)
        case .double: connect = .floating
        case .decimal: connect = .decimalText
        case .varchar: connect = .text
        case .json: connect = textField ? .jsonText : .jsonValue
        case .uuid: connect = .uuid
        case .bytes: connect = .bytes
        case .timestamptz: connect = .zonedTimestamp
        case .timetz: connect = .zonedTime
        }
        return PlanBuilder.specialise(connect, for: type)
    }
}
