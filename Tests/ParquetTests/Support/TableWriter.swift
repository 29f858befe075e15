import MillraceTesting
import Parquet

/// Writes a `RandomTable` the way the engine would: batches of random sizes, about half of them
/// appended through a shuffled row selection padded with rows that must not be written, empty
/// batches now and then, and explicit row-group flushes. Tracks where row groups must end.
struct TableWriter {
    /// The file's bytes.
    var bytes: [UInt8]
    /// Rows per row group, as the writer must have cut them.
    var rowGroups: [Int]
    /// What `close()` reported.
    var summary: FileSummary

    init(_ table: RandomTable) throws {
        var random = SeededRandom(seed: table.seed ^ 0xA5A5)
        let sink = MemorySink()
        let writer = try ParquetWriter(
            schema: table.schema, sink: sink, properties: table.properties,
            keyValueMetadata: [KeyValue(key: "millrace.test.seed", value: String(table.seed))]
        )
        let full = table.batch
        let limit = table.properties.rowGroupRowLimit
        var groups: [Int] = []
        var inGroup = 0
        var start = 0
        while start < table.rowCount {
            let count = Int.random(in: 1...min(table.rowCount - start, 700), using: &random)
            let rows = Array(start..<start + count)
            if random.chance(0.5) {
                try writer.append(full.gather(rows))
            } else {
                // The rows to write, shuffled among rows that must be skipped.
                let junk = (0..<Int.random(in: 0...20, using: &random)).map { _ in Int.random(in: 0..<table.rowCount, using: &random) }
                var slots = rows.map { ($0, true) } + junk.map { ($0, false) }
                slots.shuffle(using: &random)
                var position: [Int: Int32] = [:]
                for (index, slot) in slots.enumerated() where slot.1 { position[slot.0] = Int32(index) }
                try writer.append(full.gather(slots.map(\.0)), rows: rows.map { position[$0] ?? -1 })
            }
            var left = count
            while left > 0 {
                let take = min(left, limit - inGroup)
                inGroup += take
                left -= take
                if inGroup == limit {
                    groups.append(inGroup)
                    inGroup = 0
                }
            }
            if random.chance(0.05) {
                try writer.append(full.gather([]))
            }
            if random.chance(0.05) {
                try writer.flushRowGroup()
                if inGroup > 0 { groups.append(inGroup) }
                inGroup = 0
            }
            start += count
        }
        summary = try writer.close()
        if inGroup > 0 { groups.append(inGroup) }
        bytes = sink.bytes
        rowGroups = groups
    }
}

extension RandomTable.Kind {
    /// The Arrow type pyarrow reads this kind as.
    func pyarrowType(_ field: Field) -> String {
        switch self {
        case .boolean: "bool"
        case .int8: "int8"
        case .int16: "int16"
        case .int32, .rawInt32: "int32"
        case .int64, .rawInt64: "int64"
        case .float: "float"
        case .double: "double"
        case .string: "string"
        case .json: "extension<arrow.json>"
        case .binary: "binary"
        case .uuid: "extension<arrow.uuid>"
        case .fixedBinary: "fixed_size_binary[\(field.typeLength)]"
        case .date: "date32[day]"
        case .timestampMicros: "timestamp[us, tz=UTC]"
        case .timestampMillis: "timestamp[ms, tz=UTC]"
        case .decimal32, .decimal64, .decimalFixed: "decimal128(\(field.precision), \(field.scale))"
        }
    }

    /// The SQL type DuckDB reads this kind as.
    func duckdbType(_ field: Field) -> String {
        switch self {
        case .boolean: "BOOLEAN"
        case .int8: "TINYINT"
        case .int16: "SMALLINT"
        case .int32, .rawInt32: "INTEGER"
        case .int64, .rawInt64: "BIGINT"
        case .float: "FLOAT"
        case .double: "DOUBLE"
        case .string: "VARCHAR"
        case .json: "JSON"
        case .binary, .fixedBinary: "BLOB"
        case .uuid: "UUID"
        case .date: "DATE"
        case .timestampMicros, .timestampMillis: "TIMESTAMP WITH TIME ZONE"
        case .decimal32, .decimal64, .decimalFixed: "DECIMAL(\(field.precision),\(field.scale))"
        }
    }

    /// True for kinds whose bounds are integers DuckDB prints as such.
    var hasIntegerBounds: Bool {
        [.int8, .int16, .int32, .int64, .rawInt32, .rawInt64].contains(self)
    }

    /// True for BYTE_ARRAY kinds, whose bounds may be truncated.
    var isByteArray: Bool { [.string, .json, .binary].contains(self) }
}

extension Field {
    var precision: Int { if case .decimal(let p, _) = logicalType { p } else { 0 } }
    var scale: Int { if case .decimal(_, let s) = logicalType { s } else { 0 } }
}
