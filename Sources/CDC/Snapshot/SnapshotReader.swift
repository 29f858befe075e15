public import Catalog

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a snapshot dimension's file (`source: snapshot` in `Schemas/`, like `dim_attributes`)
/// into typed columns that the engine loads whole (`DimensionSet.replace`).
///
/// Values are converted by the column's declared type with the decoder's own rules (exact
/// decimals at the declared scale, ISO-8601 with offsets to UTC, UUIDs, JSON, UTF-8 and byte
/// limits). A row that breaks them is rejected with its line, reason and text, and the other
/// rows still load; a file that cannot be read as a whole (an unknown format, a header lacking
/// a NOT NULL column, a corrupt Parquet file, a size over the limit) is a thrown `CDCError`.
/// Pure: the caller fetches the bytes (local file or S3).
public enum SnapshotReader {
    /// The rows of `definition`'s declared source columns (no system, enrichment or computed
    /// columns), in declaration order, read from `bytes` in `format`.
    ///
    /// Columns are found by their name in the file (the declaration's `source`, else the
    /// column name); file columns the declaration does not name are skipped. A nullable column
    /// missing from the file is null in every row.
    public static func read(
        _ bytes: [UInt8], format: SnapshotFormat, definition: TableDefinition, limits: SnapshotLimits = SnapshotLimits()
    ) throws(CDCError) -> SnapshotRows {
        try limits.validate()
        guard bytes.count <= limits.maxInputBytes else {
            throw CDCError(
                .limitExceeded, "the \(definition.name) snapshot is \(bytes.count) bytes, above the \(limits.maxInputBytes)-byte limit"
            )
        }
        guard definition.columns.contains(where: { $0.sourceField != nil }) else {
            throw CDCError(.invalidSnapshot, "\(definition.name) declares no source columns to read from a snapshot")
        }
        if format == .parquet { return try readParquet(bytes, definition: definition, limits: limits) }
        let result: Result<SnapshotRows, CDCError> = bytes.withUnsafeBufferPointer { text in
            Result { () throws(CDCError) -> SnapshotRows in
                if format == .csv { return try readCSV(text, definition: definition, limits: limits) }
                return readNDJSON(text, into: SnapshotColumns(definition, reserving: lineCount(text)), limits: limits)
            }
        }
        return try result.get()
    }

    /// The number of LF bytes in `text`: at most one row per line, so the builders reserve it.
    private static func lineCount(_ text: UnsafeBufferPointer<UInt8>) -> Int {
        guard let base = text.baseAddress else { return 0 }
        var count = 0
        var position = 0
        while position < text.count, let found = memchr(base + position, 0x0A, text.count - position) {
            count += 1
            position = UnsafePointer(found.assumingMemoryBound(to: UInt8.self)) - base + 1
        }
        return count + 1
    }

    /// 3 when the text starts with a UTF-8 byte order mark (as spreadsheet exports do), else 0.
    static func byteOrderMarkLength(_ text: UnsafeBufferPointer<UInt8>) -> Int {
        text.count >= 3 && text[0] == 0xEF && text[1] == 0xBB && text[2] == 0xBF ? 3 : 0
    }

    /// Throws `invalidSnapshot` when a NOT NULL target is not among `present` (target indices
    /// found in the file's header or schema); `source` names where they were looked for.
    static func requireColumns(present: Set<Int>, of columns: SnapshotColumns, in source: String) throws(CDCError) {
        let missing = columns.targets.indices.filter { columns.targets[$0].isRequired && !present.contains($0) }
        guard missing.isEmpty else {
            let names = missing.map { "`\(columns.targets[$0].fileName)`" }.joined(separator: ", ")
            throw CDCError(.invalidSnapshot, "\(source) lacks the NOT NULL column\(missing.count > 1 ? "s" : "") \(names) of \(columns.definition.name)")
        }
    }
}
