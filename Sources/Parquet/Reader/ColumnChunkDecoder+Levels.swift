// Definition levels of flat columns (parquet-format README "Nested Encoding": a flat OPTIONAL
// column has levels 0 = null and 1 = present; REQUIRED columns have none).

extension ColumnChunkDecoder {
    /// v1 definition levels: RLE with a 4-byte length, or the deprecated MSB-first BIT_PACKED.
    /// Returns the first `take` of the page's `count` levels (nil for required columns; the
    /// array is charged to the budget, the caller releases it) and the bytes all `count` take.
    func definitionLevelsV1(_ body: UnsafeRawBufferPointer, count: Int, take: Int, encoding: Encoding) throws -> ([UInt8]?, Int) {
        guard field.isNullable else { return (nil, 0) }
        switch encoding {
        case .rle:
            guard body.count >= 4, let base = body.baseAddress else { throw ParquetError.corrupt("definition levels missing") }
            let length = Int(UInt32(littleEndian: base.loadUnaligned(as: UInt32.self)))
            guard length <= body.count - 4 else { throw ParquetError.corrupt("definition levels of \(length) bytes exceed the page") }
            return (try definitionLevels(UnsafeRawBufferPointer(rebasing: body[4..<4 + length]), count: take), 4 + length)
        case .bitPacked:
            let length = (count + 7) / 8
            guard length <= body.count else { throw ParquetError.corrupt("definition levels exceed the page") }
            try budget.charge(take)
            let levels = (0..<take).map { i in (body[i >> 3] >> UInt8(7 - i & 7)) & 1 }
            return (levels, length)
        default:
            throw ParquetError(.unsupported, "definition level encoding \(encoding) is not supported")
        }
    }

    /// The first `count` RLE definition levels of `data`, which has no length prefix (v2
    /// pages, or v1 after the prefix); nil for required columns. The array is charged to the
    /// budget; the caller releases it (after an error the read fails, and its budget with it).
    func definitionLevels(_ data: UnsafeRawBufferPointer, count: Int) throws -> [UInt8]? {
        guard field.isNullable else { return nil }
        try budget.charge(count)
        var levels = [UInt8](repeating: 0, count: count)
        var decoder = try RLEDecoder(data, bitWidth: 1)
        try levels.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            try decoder.decode(into: base, count: count)
        }
        guard levels.allSatisfy({ $0 <= 1 }) else { throw ParquetError.corrupt("definition level above 1 in a flat column") }
        return levels
    }
}
