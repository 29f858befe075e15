import Catalog
import Parquet

/// Appends a Parquet snapshot's row group a whole column at a time: each column's values are
/// checked in one pass and its arrays handed to the column store (moved when the store is
/// empty, as for a file of one row group), instead of one value of one row at a time.
///
/// All or nothing: when a value fails its check or a NOT NULL column holds a null, nothing is
/// appended and the caller reads the row group row by row, which rejects exactly the failing
/// rows with their messages. The checks here accept a subset of what the row path accepts and
/// store the same values (`PlainText` for varchar text; integers, floats and booleans as the
/// file holds them); other conversions run the row path's `ParquetValues.append`, column-wise.
enum ParquetWholeColumns {
    /// One file column read into one declared column, by `encoding`.
    typealias Source = (target: Int, fileColumn: Int, encoding: ParquetEncoding)

    /// Appends the `rows` rows of `data` (one column per source, in order) to `columns`, or
    /// returns false having appended nothing.
    static func append(_ data: [ColumnData], sources: [Source], rows: Int, into columns: SnapshotColumns) -> Bool {
        let buffer = columns.buffer
        let start = buffer.rowCount
        for (column, source) in zip(data, sources) {
            let store = buffer.stores + source.target
            guard store.pointee.count == start,
                append(column, source.encoding, conversion: columns.targets[source.target].textConversion, into: store),
                store.pointee.count == start + rows
            else {
                buffer.rollBack(to: start)
                return false
            }
        }
        guard columns.finishRows(rows) else {
            buffer.rollBack(to: start)
            return false
        }
        return true
    }

    private static let int64Range = Int64.min...Int64.max

    /// Appends one column's values through `encoding`, or returns false (the caller rolls back).
    private static func append(
        _ column: ColumnData, _ encoding: ParquetEncoding, conversion: Conversion, into store: UnsafeMutablePointer<ColumnStore>
    ) -> Bool {
        switch (encoding, column.values) {
        case (.boolean, .boolean), (.floating, .double):
            return store.pointee.append(column: column)
        case (.floating, .float(let floats)):
            return store.pointee.append(column: ColumnData(values: .double(floats.map(Double.init)), validity: column.validity))
        case (.integer(.integer(let range), let unsigned), .int64(let integers)) where range == int64Range:
            // Null slots hold 0, so they pass the unsigned check too.
            guard !unsigned || integers.allSatisfy({ $0 >= 0 }) else { return false }
            return store.pointee.append(column: column)
        case (.integer(.integer(let range), let unsigned), .int32(let integers)) where range == int64Range:
            let widened = unsigned ? integers.map { Int64(UInt32(bitPattern: $0)) } : integers.map(Int64.init)
            return store.pointee.append(column: ColumnData(values: .int64(widened), validity: column.validity))
        case (.text, .byteArray(let strings)):
            if case .text(let maxBytes) = conversion, PlainText.allStorable(strings, maxBytes: maxBytes) {
                return store.pointee.append(column: column)
            }
        default:
            break
        }
        return appendEach(column, encoding, conversion: conversion, into: store)
    }

    /// The row path's conversion, one value at a time down one column.
    private static func appendEach(
        _ column: ColumnData, _ encoding: ParquetEncoding, conversion: Conversion, into store: UnsafeMutablePointer<ColumnStore>
    ) -> Bool {
        var text = TextValue()
        let validity = column.validity ?? []
        for row in 0..<column.values.count {
            if !validity.isEmpty && !validity[row] {
                store.pointee.appendNull()
                continue
            }
            do {
                try ParquetValues.append(column.values, row: row, encoding, conversion: conversion, column: "", text: &text, into: store)
            } catch {
                return false
            }
        }
        return true
    }
}
