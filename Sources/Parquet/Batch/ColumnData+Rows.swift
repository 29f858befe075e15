extension ColumnData {
    /// Rows `range` of the column, as a column of their own.
    func rows(_ range: Range<Int>) -> ColumnData {
        let validity = self.validity.map { Array($0[range]) }
        switch values {
        case .boolean(let v): return ColumnData(values: .boolean(Array(v[range])), validity: validity)
        case .int32(let v): return ColumnData(values: .int32(Array(v[range])), validity: validity)
        case .int64(let v): return ColumnData(values: .int64(Array(v[range])), validity: validity)
        case .float(let v): return ColumnData(values: .float(Array(v[range])), validity: validity)
        case .double(let v): return ColumnData(values: .double(Array(v[range])), validity: validity)
        case .byteArray(let v):
            let start = v.offsets[range.lowerBound]
            let end = v.offsets[range.upperBound]
            let offsets = v.offsets[range.lowerBound...range.upperBound].map { $0 - start }
            return ColumnData(values: .byteArray(ByteArrayValues(bytes: Array(v.bytes[start..<end]), offsets: offsets)), validity: validity)
        case .fixedLenByteArray(let v):
            let bytes = Array(v.bytes[range.lowerBound * v.width..<range.upperBound * v.width])
            return ColumnData(values: .fixedLenByteArray(FixedLenByteArrayValues(bytes: bytes, width: v.width)), validity: validity)
        }
    }

    /// The rows of `parts`, in order, as one column (all of one physical type).
    static func concatenating(_ parts: [ColumnData]) -> ColumnData {
        let validity: [Bool]? = parts.contains { $0.validity != nil }
            ? parts.flatMap { part in part.validity ?? Array(repeating: true, count: part.values.count) } : nil
        switch parts.first?.values {
        case .boolean?: return ColumnData(values: .boolean(joined(parts) { if case .boolean(let v) = $0 { return v }; return nil }), validity: validity)
        case .int32?: return ColumnData(values: .int32(joined(parts) { if case .int32(let v) = $0 { return v }; return nil }), validity: validity)
        case .int64?: return ColumnData(values: .int64(joined(parts) { if case .int64(let v) = $0 { return v }; return nil }), validity: validity)
        case .float?: return ColumnData(values: .float(joined(parts) { if case .float(let v) = $0 { return v }; return nil }), validity: validity)
        case .double?: return ColumnData(values: .double(joined(parts) { if case .double(let v) = $0 { return v }; return nil }), validity: validity)
        case .byteArray?:
            var joined = ByteArrayValues()
            for part in parts {
                guard case .byteArray(let v) = part.values else { continue }
                let base = joined.bytes.count
                joined.bytes.append(contentsOf: v.bytes)
                joined.offsets.append(contentsOf: v.offsets.dropFirst().map { $0 + base })
            }
            return ColumnData(values: .byteArray(joined), validity: validity)
        case .fixedLenByteArray(let first)?:
            var bytes: [UInt8] = []
            for part in parts { if case .fixedLenByteArray(let v) = part.values { bytes.append(contentsOf: v.bytes) } }
            return ColumnData(values: .fixedLenByteArray(FixedLenByteArrayValues(bytes: bytes, width: first.width)), validity: validity)
        case nil:
            return ColumnData(values: .int64([]))
        }
    }

    private static func joined<T>(_ parts: [ColumnData], _ values: (ColumnValues) -> [T]?) -> [T] {
        parts.flatMap { values($0.values) ?? [] }
    }
}
