/// UTF-8 well-formedness (Unicode 15, Table 3-7), with an eight-bytes-at-a-time ASCII path:
/// STRING and JSON columns must hold valid UTF-8, or pyarrow, DuckDB and Redshift reject them.
public enum UTF8Validation {
    /// The length (2 to 4) of the well-formed multi-byte sequence whose lead byte, at least
    /// 0x80, is at offset `i` of the `count` bytes at `p`; nil when it is not well-formed.
    @inlinable
    public static func sequenceLength(_ p: UnsafeRawPointer, at i: Int, count: Int) -> Int? {
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch p.load(fromByteOffset: i, as: UInt8.self) {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: return nil
        }
        guard i + length <= count else { return nil }
        let second = p.load(fromByteOffset: i + 1, as: UInt8.self)
        guard second >= low && second <= high else { return nil }
        for k in 2..<length where p.load(fromByteOffset: i + k, as: UInt8.self) & 0xC0 != 0x80 {
            return nil
        }
        return length
    }

    /// True when all `count` bytes are ASCII.
    static func isASCII(_ p: UnsafeRawPointer, count: Int) -> Bool {
        var i = 0
        var any: UInt64 = 0
        while i + 8 <= count {
            any |= p.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            i += 8
        }
        while i < count {
            any |= UInt64(p.load(fromByteOffset: i, as: UInt8.self))
            i += 1
        }
        return any & 0x8080_8080_8080_8080 == 0
    }

    /// True when the `count` bytes at `p` are well-formed UTF-8.
    static func isValid(_ p: UnsafeRawPointer, count: Int) -> Bool {
        var i = 0
        while i < count {
            if i + 8 <= count && p.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                i += 8
                continue
            }
            let lead = p.load(fromByteOffset: i, as: UInt8.self)
            if lead < 0x80 {
                i += 1
                continue
            }
            guard let length = sequenceLength(p, at: i, count: count) else { return false }
            i += length
        }
        return true
    }
}
