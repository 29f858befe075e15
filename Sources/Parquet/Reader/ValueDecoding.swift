// Decoding of a page's values section (parquet-format Encodings.md): PLAIN for every physical
// type, RLE for booleans, and dictionary indices (PLAIN_DICTIONARY / RLE_DICTIONARY). Every
// length is checked against the bytes that remain before anything is read, and every
// allocation, temporaries included, is charged to the read's `DecodeBudget` before it is made.

enum ValueDecoding {
    /// Appends `count` PLAIN values of `physicalType` from `data` to `out`; returns the bytes
    /// consumed.
    @discardableResult
    static func plain(_ data: UnsafeRawBufferPointer, count: Int, physicalType: PhysicalType, into out: inout RawValues) throws -> Int {
        guard count > 0 else { return 0 }
        guard let base = data.baseAddress else { throw ParquetError.corrupt("PLAIN page has no bytes for \(count) values") }
        switch physicalType {
        case .boolean:
            // One bit per value, least significant bit first.
            let needed = (count + 7) / 8
            guard needed <= data.count else { throw truncated(count) }
            try out.budget.withTemporary(count) {
                var flags = [UInt8](repeating: 0, count: count)
                flags.withUnsafeMutableBufferPointer { target in
                    for i in 0..<count { target[i] = (base.load(fromByteOffset: i >> 3, as: UInt8.self) >> UInt8(i & 7)) & 1 }
                }
                try flags.withUnsafeBytes { try out.appendFixed($0.baseAddress.unsafelyUnwrapped, count: count) }
            }
            return needed
        case .byteArray:
            // Each value takes at least its 4-byte length: bound the count before reserving.
            guard count <= data.count / 4, let consumed = try out.appendPlainByteArrays(data, count: count) else { throw truncated(count) }
            return consumed
        default:
            let width = out.width ?? 0
            let (needed, overflow) = count.multipliedReportingOverflow(by: width)
            guard !overflow, needed <= data.count else { throw truncated(count) }
            try out.appendFixed(base, count: count)
            return needed
        }
    }

    /// Appends `count` booleans in the RLE/bit-packing hybrid with a 4-byte length prefix
    /// (Encodings.md: "Boolean values ... Prepend length? Y").
    static func rleBooleans(_ data: UnsafeRawBufferPointer, count: Int, into out: inout RawValues) throws {
        guard count > 0 else { return }
        guard data.count >= 4, let base = data.baseAddress else { throw truncated(count) }
        let length = Int(UInt32(littleEndian: base.loadUnaligned(as: UInt32.self)))
        guard length <= data.count - 4 else { throw ParquetError.corrupt("RLE boolean length \(length) exceeds the page") }
        var decoder = try RLEDecoder(UnsafeRawBufferPointer(rebasing: data[4..<4 + length]), bitWidth: 1)
        try out.budget.withTemporary(count) {
            var flags = [UInt8](repeating: 0, count: count)
            try flags.withUnsafeMutableBufferPointer { try decoder.decode(into: $0.baseAddress.unsafelyUnwrapped, count: count) }
            try flags.withUnsafeBytes { try out.appendFixed($0.baseAddress.unsafelyUnwrapped, count: count) }
        }
    }

    /// Appends the dictionary entries named by `count` indices: a bit-width byte, then the
    /// indices in the RLE/bit-packing hybrid (Encodings.md, "Dictionary Encoding").
    static func dictionaryIndices(_ data: UnsafeRawBufferPointer, count: Int, dictionary: RawValues, into out: inout RawValues) throws {
        guard count > 0 else { return }
        guard data.count >= 1 else { throw truncated(count) }
        let width = Int(data[0])
        var decoder = try RLEDecoder(UnsafeRawBufferPointer(rebasing: data[1...]), bitWidth: width)
        try out.budget.withTemporary(count * MemoryLayout<UInt32>.stride) {
            var indices = [UInt32](repeating: 0, count: count)
            try indices.withUnsafeMutableBufferPointer { try decoder.decode(into: $0.baseAddress.unsafelyUnwrapped, count: count) }
            let entries = UInt32(truncatingIfNeeded: dictionary.count)
            if let index = indices.first(where: { $0 >= entries }) {
                throw ParquetError.corrupt("dictionary index \(index) is beyond the \(dictionary.count) entries")
            }
            try indices.withUnsafeBufferPointer { try out.append(entries: $0, of: dictionary) }
        }
    }

    private static func truncated(_ count: Int) -> ParquetError {
        ParquetError.corrupt("page data ends before its \(count) values")
    }
}
