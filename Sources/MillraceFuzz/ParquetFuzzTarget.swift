import Parquet

/// The Parquet reader under fuzzing: every input is a file in memory. The reader must either
/// refuse it with a `ParquetError` or read every row group back with as many rows as the footer
/// says (the first rows alone too), within `options`' memory bounds. Anything else traps.
enum ParquetFuzzTarget {
    /// Limits small enough for libFuzzer's 2 GiB RSS cap, large enough for every seed.
    static let options: ReaderOptions = {
        var options = ReaderOptions()
        options.maxFooterSize = 1 << 20
        options.maxPageSize = 16 << 20
        options.maxDecodedBytes = 64 << 20
        return options
    }()

    static func run(_ data: UnsafeRawBufferPointer, tally: inout ParseTally) {
        do {
            let reader = try ParquetReader(source: MemorySource(Array(data)), options: options)
            for group in 0..<reader.rowGroupCount {
                let rows = Int(reader.metadata.rowGroups[group].numRows)
                let columns = reader.schema.fields.count
                let first = try reader.readRowGroup(group, maxRows: 1)
                precondition(columns == 0 || first.rowCount == min(rows, 1), "the first row of a row group is one row")
                let batch = try reader.readRowGroup(group)
                precondition(columns == 0 || batch.rowCount == rows, "a row group reads back as many rows as its footer says")
                precondition(batch.columns.allSatisfy { $0.validity.map { $0.count == rows } ?? true }, "validity has a slot per row")
            }
            tally.accepted += 1
        } catch is ParquetError {
            tally.refused += 1
        } catch {
            preconditionFailure("the Parquet reader throws ParquetError only, not \(type(of: error)): \(error)")
        }
    }
}
