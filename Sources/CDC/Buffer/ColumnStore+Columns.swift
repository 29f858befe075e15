import Parquet

extension ColumnStore {
    /// Appends every slot of `column`, a whole column already checked (a snapshot's Parquet row
    /// group), with its validity. Its values must be of this store's storage, laid out as
    /// `ParquetReader` returns them and as `appendNull` leaves a null (a zero or empty slot).
    /// An empty store takes the arrays as they are, without a copy. Returns false, appending
    /// nothing, for values of another storage.
    mutating func append(column: ColumnData) -> Bool {
        let rows = column.values.count
        switch (storage, column.values) {
        case (.boolean, .boolean(let values)): Self.join(&booleans, values)
        case (.int32, .int32(let values)): Self.join(&int32s, values)
        case (.int64, .int64(let values)): Self.join(&int64s, values)
        case (.double, .double(let values)): Self.join(&doubles, values)
        case (.bytes, .byteArray(let values)):
            if count == 0 && bytes.isEmpty {
                bytes = values.bytes
                offsets = values.offsets
            } else {
                let base = bytes.count
                bytes.append(contentsOf: values.bytes)
                offsets.append(contentsOf: values.offsets.dropFirst().lazy.map { $0 + base })
            }
        default:
            return false
        }
        appendValidity(column.validity, rows: rows)
        return true
    }

    /// True when a row from `row` on is null.
    func hasNull(from row: Int) -> Bool {
        hasNulls && row < validity.count && validity[row...].contains(false)
    }

    private static func join<T>(_ target: inout [T], _ values: [T]) {
        if target.isEmpty { target = values } else { target.append(contentsOf: values) }
    }

    /// Appends the validity of `rows` appended slots (nil: none is null), keeping it lazily as
    /// `appendNull` does: no flags until the first null.
    private mutating func appendValidity(_ flags: [Bool]?, rows: Int) {
        if let flags, flags.contains(false) {
            if !hasNulls {
                hasNulls = true
                validity = count == 0 ? flags : Array(repeating: true, count: count) + flags
            } else {
                validity.append(contentsOf: flags)
            }
        } else if hasNulls {
            validity.append(contentsOf: repeatElement(true, count: rows))
        }
        count += rows
    }
}
