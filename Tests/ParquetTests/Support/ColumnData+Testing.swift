import Parquet

extension ColumnData {
    /// The rows at `rows`, in that order (tests build batches and selections from it).
    func gather(_ rows: [Int]) -> ColumnData {
        let flags = validity.map { flags in rows.map { flags[$0] } }
        switch values {
        case .boolean(let v): return ColumnData(values: .boolean(rows.map { v[$0] }), validity: flags)
        case .int32(let v): return ColumnData(values: .int32(rows.map { v[$0] }), validity: flags)
        case .int64(let v): return ColumnData(values: .int64(rows.map { v[$0] }), validity: flags)
        case .float(let v): return ColumnData(values: .float(rows.map { v[$0] }), validity: flags)
        case .double(let v): return ColumnData(values: .double(rows.map { v[$0] }), validity: flags)
        case .byteArray(let v):
            var out = ByteArrayValues()
            for row in rows { out.append(v.bytes[v.offsets[row]..<v.offsets[row + 1]]) }
            return ColumnData(values: .byteArray(out), validity: flags)
        case .fixedLenByteArray(let v):
            var bytes: [UInt8] = []
            for row in rows { bytes += v.bytes[row * v.width..<(row + 1) * v.width] }
            return ColumnData(values: .fixedLenByteArray(FixedLenByteArrayValues(bytes: bytes, width: v.width)), validity: flags)
        }
    }

    /// The bytes of row `row` of a byte-array or fixed-length column.
    func bytes(at row: Int) -> [UInt8] {
        switch values {
        case .byteArray(let v): Array(v.bytes[v.offsets[row]..<v.offsets[row + 1]])
        case .fixedLenByteArray(let v): Array(v.bytes[row * v.width..<(row + 1) * v.width])
        default: []
        }
    }

    /// True when row `row` is null.
    func isNull(_ row: Int) -> Bool {
        validity.map { !$0[row] } ?? false
    }
}

extension ColumnBatch {
    /// The rows at `rows` of every column.
    func gather(_ rows: [Int]) -> ColumnBatch {
        ColumnBatch(columns: columns.map { $0.gather(rows) })
    }
}

extension ColumnBatch {
    /// The batch with every column's validity spelled out (no validity means every row
    /// present) and floating-point values as their bit patterns (NaN equals itself), so batches
    /// read in different pieces compare equal when their rows are.
    var withExplicitValidity: ColumnBatch {
        ColumnBatch(columns: columns.map { column in
            let values: ColumnValues = switch column.values {
            case .double(let v): .int64(v.map { Int64(bitPattern: $0.bitPattern) })
            case .float(let v): .int32(v.map { Int32(bitPattern: $0.bitPattern) })
            default: column.values
            }
            return ColumnData(values: values, validity: column.validity ?? Array(repeating: true, count: column.values.count))
        })
    }
}
