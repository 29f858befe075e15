/// Shortening of BYTE_ARRAY statistics (parquet.thrift `Statistics`: min_value and max_value
/// may be truncated, `is_min_value_exact`/`is_max_value_exact` say so).
///
/// A truncated minimum is a prefix (never larger than the value). A truncated maximum is a
/// prefix whose last byte, or for UTF-8 columns whose last character, is incremented, so it is
/// larger than every value it bounds and, for STRING and JSON, still valid UTF-8. When no such
/// maximum exists (all 0xFF bytes, all U+10FFFF), the value is kept whole.
enum StatisticsTruncation {
    /// The minimum shortened to at most `limit` bytes, and whether it is exact.
    static func minimum(_ value: [UInt8], limit: Int, utf8: Bool) -> (bytes: [UInt8], exact: Bool) {
        guard value.count > limit else { return (value, true) }
        let cut = utf8 ? characterBoundary(value, atMost: limit) : limit
        return (Array(value[..<cut]), false)
    }

    /// The maximum shortened to at most `limit` bytes, and whether it is exact.
    static func maximum(_ value: [UInt8], limit: Int, utf8: Bool) -> (bytes: [UInt8], exact: Bool) {
        guard value.count > limit else { return (value, true) }
        if utf8 {
            var prefix = Array(value[..<characterBoundary(value, atMost: limit)])
            while !prefix.isEmpty {
                let start = lastCharacterStart(prefix)
                if let next = incremented(scalarOf: prefix[start...]) {
                    prefix.replaceSubrange(start..., with: next)
                    if prefix.count <= limit { return (prefix, false) }
                    prefix.removeSubrange(start...)
                } else {
                    prefix.removeSubrange(start...)
                }
            }
            return (value, true)
        }
        var prefix = Array(value[..<limit])
        while let last = prefix.last {
            if last < 0xFF {
                prefix[prefix.count - 1] = last + 1
                return (prefix, false)
            }
            prefix.removeLast()
        }
        return (value, true)
    }

    /// The largest cut ≤ `limit` that does not split a UTF-8 sequence.
    private static func characterBoundary(_ value: [UInt8], atMost limit: Int) -> Int {
        var cut = limit
        while cut > 0 && value[cut] & 0xC0 == 0x80 { cut -= 1 }
        return cut
    }

    private static func lastCharacterStart(_ bytes: [UInt8]) -> Int {
        var start = bytes.count - 1
        while start > 0 && bytes[start] & 0xC0 == 0x80 { start -= 1 }
        return start
    }

    /// The UTF-8 encoding of the scalar after the one encoded by `bytes`, skipping surrogates;
    /// nil past U+10FFFF or when `bytes` is not one well-formed sequence.
    private static func incremented(scalarOf bytes: ArraySlice<UInt8>) -> [UInt8]? {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        guard case .scalarValue(let scalar) = decoder.decode(&iterator), iterator.next() == nil else { return nil }
        var next = scalar.value + 1
        if next == 0xD800 { next = 0xE000 }
        guard let successor = Unicode.Scalar(next) else { return nil }
        return Array(String(Character(successor)).utf8)
    }
}
