import Catalog
import Parquet

extension SnapshotReader {
    /// Reads a flat Parquet file with `ParquetReader`, one row group at a time: columns are
    /// matched by name and their types checked against the declaration first (a mismatch
    /// fails the whole file); then each row's values are checked like any other format's.
    static func readParquet(_ bytes: [UInt8], definition: TableDefinition, limits: SnapshotLimits) throws(CDCError) -> SnapshotRows {
        let reader: ParquetReader
        do {
            reader = try ParquetReader(source: MemorySource(bytes))
        } catch {
            throw CDCError(.invalidSnapshot, "the Parquet snapshot cannot be read: \(error)", underlying: error as? ParquetError)
        }
        let columns = SnapshotColumns(definition, reserving: Int(clamping: reader.metadata.numRows))
        // For each target found in the file: its file column and how to read it.
        var sources: [ParquetWholeColumns.Source] = []
        var ignored: [String] = []
        for (fileColumn, field) in reader.schema.fields.enumerated() {
            guard let target = columns.target(named: field.name) else {
                ignored.append(field.name)
                continue
            }
            let type = columns.targets[target].column.type
            guard let encoding = ParquetEncoding(field: field, type: type) else {
                throw CDCError(
                    .invalidSnapshot, "column `\(field.name)` is \(ParquetEncoding.describe(field)) in the Parquet file; \(type) is declared"
                )
            }
            sources.append((target, fileColumn, encoding))
        }
        try requireColumns(present: Set(sources.map(\.target)), of: columns, in: "the Parquet file")

        var log = RejectionLog(limits: limits)
        var value = TextValue()
        let buffer = columns.buffer
        var rowsBefore = 0
        for group in 0..<reader.rowGroupCount {
            var data: [ColumnData] = []
            do {
                data = try reader.readColumns(rowGroup: group, columns: sources.map(\.fileColumn))
            } catch {
                throw CDCError(.invalidSnapshot, "row group \(group) of the Parquet snapshot cannot be read: \(error)", underlying: error as? ParquetError)
            }
            let rows = Int(reader.metadata.rowGroups[group].numRows)
            // The reader promises these counts; checked so that no index below can trap.
            guard data.allSatisfy({ $0.values.count == rows && ($0.validity?.count ?? rows) == rows }) else {
                throw CDCError(.invalidSnapshot, "row group \(group) of the Parquet snapshot holds columns of other lengths than its \(rows) rows")
            }
            if ParquetWholeColumns.append(data, sources: sources, rows: rows, into: columns) {
                rowsBefore += rows
                continue
            }
            for row in 0..<rows {
                let start = buffer.rowCount
                var failing = 0
                do throws(DecodeFailure) {
                    for (index, source) in sources.enumerated() {
                        failing = index
                        if let validity = data[index].validity, !validity[row] { continue }
                        try ParquetValues.append(
                            data[index].values, row: row, source.encoding, conversion: columns.targets[source.target].textConversion,
                            column: columns.targets[source.target].fileName, text: &value, into: buffer.stores + source.target
                        )
                    }
                    failing = -1
                    try columns.finishRow()
                } catch {
                    buffer.rollBack(to: start)
                    let shown = failing >= 0 ? ParquetValues.describe(data[failing].values, row: row) : ""
                    log.add(line: rowsBefore + row + 1, error, text: shown)
                }
            }
            rowsBefore += rows
        }
        return columns.rows(rejections: log, ignoredColumns: ignored)
    }
}
