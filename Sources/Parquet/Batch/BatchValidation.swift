// Everything the writer checks about a batch before it encodes a single row, so a bad batch
// is refused whole (ParquetError codes invalidBatch, nullInRequiredColumn, invalidValue) and
// the unsafe inner loops only ever see well-formed columns.

extension ColumnBatch {
    /// Checks this batch against `schema` for the selected rows (`rows` nil: all rows), which
    /// must already be known to lie within the batch.
    func validate(against schema: Schema, rows: RowSelection, validatesUTF8: Bool) throws {
        guard columns.count == schema.fields.count else {
            throw ParquetError(.invalidBatch, "the batch has \(columns.count) columns, the schema \(schema.fields.count)")
        }
        let rowCount = self.rowCount
        for (index, (column, field)) in zip(columns, schema.fields).enumerated() {
            func fail(_ code: ParquetError.Code, _ message: String) -> ParquetError {
                ParquetError(code, "column \(index) \"\(field.name)\": \(message)")
            }
            try column.validateShape(field: field, rowCount: rowCount, fail: fail)
            try rows.withRows(
                { try column.validateValues(field: field, rows: $0, validatesUTF8: validatesUTF8, fail: fail) },
                { try column.validateValues(field: field, rows: $0, validatesUTF8: validatesUTF8, fail: fail) }
            )
        }
    }

    /// Throws unless every index lies in `0 ..< rowCount`.
    func validateIndices(_ indices: UnsafeBufferPointer<Int32>) throws {
        var low = Int32.max
        var high = Int32.min
        for index in indices {
            low = Swift.min(low, index)
            high = Swift.max(high, index)
        }
        guard indices.isEmpty || (low >= 0 && Int(high) < rowCount) else {
            throw ParquetError(.invalidBatch, "selected rows must lie within 0..<\(rowCount); found \(low)...\(high)")
        }
    }
}

extension ColumnData {
    typealias Failure = (ParquetError.Code, String) -> ParquetError

    /// Value kind, lengths and byte-array offsets.
    fileprivate func validateShape(field: Field, rowCount: Int, fail: Failure) throws {
        let matches: Bool
        switch (values, field.physicalType) {
        case (.boolean, .boolean), (.int32, .int32), (.int64, .int64), (.float, .float), (.double, .double):
            matches = true
        case (.byteArray(let bytes), .byteArray):
            guard let first = bytes.offsets.first, first >= 0 else {
                throw fail(.invalidBatch, "byte-array offsets must start with a non-negative offset")
            }
            try Self.validateOffsets(bytes, fail: fail)
            matches = true
        case (.fixedLenByteArray(let fixed), .fixedLenByteArray):
            guard fixed.width == field.typeLength, fixed.bytes.count % fixed.width == 0 else {
                throw fail(.invalidBatch, "values are \(fixed.width) bytes wide over \(fixed.bytes.count) bytes; the column needs \(field.typeLength)")
            }
            matches = true
        default:
            matches = false
        }
        guard matches else { throw fail(.invalidBatch, "values do not match the column's physical type \(field.physicalType)") }
        guard values.count == rowCount else {
            throw fail(.invalidBatch, "has \(values.count) values, the batch \(rowCount) rows")
        }
        if let validity, validity.count != rowCount {
            throw fail(.invalidBatch, "validity has \(validity.count) entries, the batch \(rowCount) rows")
        }
    }

    private static func validateOffsets(_ values: ByteArrayValues, fail: Failure) throws {
        let ordered = values.offsets.withUnsafeBufferPointer { offsets -> Bool in
            // Branch-free, so the loop vectorizes; a length must also fit PLAIN's 4-byte prefix.
            var shortest = 0
            var longest = 0
            for i in 1..<offsets.count {
                let length = offsets[unchecked: i] &- offsets[unchecked: i - 1]
                shortest = Swift.min(shortest, length)
                longest = Swift.max(longest, length)
            }
            return shortest >= 0 && longest <= Int(Int32.max)
        }
        guard ordered, let last = values.offsets.last, last <= values.bytes.count else {
            throw fail(.invalidBatch, "byte-array offsets must be non-decreasing and end within the \(values.bytes.count) value bytes")
        }
    }

    /// Nulls in required columns and values out of their type's range.
    fileprivate func validateValues<R: RowIndices>(field: Field, rows: R, validatesUTF8: Bool, fail: Failure) throws {
        try validity?.withUnsafeBufferPointer { flags in
            guard !field.isNullable else { return }
            for k in 0..<rows.count where !flags[unchecked: rows[k]] {
                throw fail(.nullInRequiredColumn, "row \(rows[k]) is null but the column is REQUIRED")
            }
        }
        switch (field.logicalType, values) {
        case (.integer(let bitWidth, _), .int32(let ints)) where bitWidth < 32:
            let bound = Int32(1) << Int32(bitWidth - 1)
            if let row = firstInvalid(rows, ints, { $0 >= -bound && $0 < bound }) {
                throw fail(.invalidValue, "row \(row) holds a value outside INTEGER(\(bitWidth))")
            }
        case (.decimal(let precision, _), .int32(let ints)):
            let bound = Int32(Self.powerOfTen(precision))
            if let row = firstInvalid(rows, ints, { $0 > -bound && $0 < bound }) { throw Self.decimalFailure(fail, row, precision) }
        case (.decimal(let precision, _), .int64(let ints)):
            let bound = Int64(Self.powerOfTen(precision))
            if let row = firstInvalid(rows, ints, { $0 > -bound && $0 < bound }) { throw Self.decimalFailure(fail, row, precision) }
        case (.decimal(let precision, _), .fixedLenByteArray(let fixed)):
            if let row = firstInvalidDecimal(fixed, precision: precision, rows: rows) { throw Self.decimalFailure(fail, row, precision) }
        case (.string, .byteArray(let strings)), (.json, .byteArray(let strings)):
            if validatesUTF8, let row = firstInvalidUTF8(strings, rows: rows) {
                throw fail(.invalidValue, "row \(row) is not valid UTF-8")
            }
        default:
            return
        }
    }

    /// The first selected, non-null row whose value fails `isValid`, or nil.
    private func firstInvalid<R: RowIndices, T>(_ rows: R, _ values: [T], _ isValid: (T) -> Bool) -> Int? {
        values.withUnsafeBufferPointer { values in
            for k in 0..<rows.count {
                let row = rows[k]
                if let validity, !validity[row] { continue }
                if !isValid(values[unchecked: row]) { return row }
            }
            return nil
        }
    }

    private func firstInvalidDecimal<R: RowIndices>(_ fixed: FixedLenByteArrayValues, precision: Int, rows: R) -> Int? {
        let bound = Self.powerOfTen(precision)
        let width = fixed.width
        return fixed.bytes.withUnsafeBytes { bytes -> Int? in
            guard let base = bytes.baseAddress else { return nil }
            for k in 0..<rows.count {
                let row = rows[k]
                if let validity, !validity[row] { continue }
                let value = Self.bigEndianInteger(base + row &* width, width: width)
                if value <= -bound || value >= bound { return row }
            }
            return nil
        }
    }

    private func firstInvalidUTF8<R: RowIndices>(_ strings: ByteArrayValues, rows: R) -> Int? {
        strings.bytes.withUnsafeBytes { bytes -> Int? in
            guard let base = bytes.baseAddress else { return nil }
            // Usually every byte is ASCII and one pass settles the whole column.
            if UTF8Validation.isASCII(base, count: bytes.count) { return nil }
            return strings.offsets.withUnsafeBufferPointer { offsets in
                for k in 0..<rows.count {
                    let row = rows[k]
                    if let validity, !validity[row] { continue }
                    let start = offsets[row]
                    if !UTF8Validation.isValid(base + start, count: offsets[row + 1] - start) { return row }
                }
                return nil
            }
        }
    }

    /// A big-endian two's complement integer of `width` (1...16) bytes, sign-extended: the
    /// low eight bytes in one load when there are that many.
    @inline(__always) public static func bigEndianInteger(_ p: UnsafeRawPointer, width: Int) -> Int128 {
        var high: Int64 = Int64(Int8(bitPattern: p.load(as: UInt8.self))) >> 8
        let lowWidth = Swift.min(width, 8)
        for b in 0..<(width - lowWidth) { high = high << 8 | Int64(p.load(fromByteOffset: b, as: UInt8.self)) }
        var low: UInt64
        if lowWidth == 8 {
            low = UInt64(bigEndian: p.loadUnaligned(fromByteOffset: width - 8, as: UInt64.self))
        } else {
            low = UInt64(bitPattern: high)
            for b in 0..<width { low = low << 8 | UInt64(p.load(fromByteOffset: b, as: UInt8.self)) }
        }
        return Int128(high) << 64 | Int128(low)
    }

    private static func powerOfTen(_ exponent: Int) -> Int128 {
        var result: Int128 = 1
        for _ in 0..<exponent { result *= 10 }
        return result
    }

    private static func decimalFailure(_ fail: Failure, _ row: Int, _ precision: Int) -> ParquetError {
        fail(.invalidValue, "row \(row) holds a decimal with more than \(precision) digits")
    }
}
