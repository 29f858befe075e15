#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Byte-string helpers for dictionaries and statistics.
enum Bytes {
    /// True when the `count` bytes at `a` and `b` are equal. Short values, the common case of
    /// dictionary keys, are compared with two (overlapping) loads instead of a libc call.
    @inline(__always) static func equal(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, count: Int) -> Bool {
        if count >= 8 && count <= 16 {
            return load64(a) == load64(b) && load64(a + count - 8) == load64(b + count - 8)
        }
        if count >= 4 && count < 8 {
            return load32(a) == load32(b) && load32(a + count - 4) == load32(b + count - 4)
        }
        if count < 4 {
            for i in 0..<count where a.load(fromByteOffset: i, as: UInt8.self) != b.load(fromByteOffset: i, as: UInt8.self) {
                return false
            }
            return true
        }
        return memcmp(a, b, count) == 0
    }

    /// Unsigned lexicographic comparison, a shorter prefix first (parquet.thrift ColumnOrder:
    /// BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY compare as unsigned bytes). Negative, zero or positive.
    static func compare(_ a: UnsafeRawPointer, _ aCount: Int, _ b: UnsafeRawPointer, _ bCount: Int) -> Int {
        if aCount <= 8 && bCount <= 8 {
            // Left-aligned big-endian words compare like the bytes; equal words leave the length.
            let x = prefixWord(a, aCount)
            let y = prefixWord(b, bCount)
            return x == y ? aCount - bCount : (x < y ? -1 : 1)
        }
        let common = min(aCount, bCount)
        if common > 0 {
            let result = memcmp(a, b, common)
            if result != 0 { return Int(result) }
        }
        return aCount - bCount
    }

    /// Comparison of big-endian two's complement integers of the same width (DECIMAL on
    /// FIXED_LEN_BYTE_ARRAY, whose sort order is signed): the sign bit decides first.
    static func compareSignedBigEndian(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, count: Int) -> Int {
        guard count > 0 else { return 0 }
        if count <= 16 {
            let x = ColumnData.bigEndianInteger(a, width: count)
            let y = ColumnData.bigEndianInteger(b, width: count)
            return x == y ? 0 : (x < y ? -1 : 1)
        }
        let aFirst = Int8(bitPattern: a.load(as: UInt8.self))
        let bFirst = Int8(bitPattern: b.load(as: UInt8.self))
        if aFirst != bFirst { return aFirst < bFirst ? -1 : 1 }
        return count == 1 ? 0 : Int(memcmp(a + 1, b + 1, count - 1))
    }

    /// A 64-bit hash of `count` bytes for the dictionary tables: wyhash-style multiply-fold
    /// mixing over 8-byte loads (overlapping at the tail), so short strings cost a couple of
    /// multiplies. Not for adversarial keys; the table only needs spread.
    @inline(__always) static func hash(_ p: UnsafeRawPointer, count: Int) -> UInt64 {
        let seed: UInt64 = 0xA076_1D64_78BD_642F
        let k1: UInt64 = 0xE703_7ED1_A0B4_28DB
        var a: UInt64
        var b: UInt64
        if count <= 16 {
            if count >= 8 {
                a = load64(p)
                b = load64(p + count - 8)
            } else if count >= 4 {
                a = UInt64(load32(p))
                b = UInt64(load32(p + count - 4))
            } else if count > 0 {
                let first = UInt64(p.load(as: UInt8.self))
                let middle = UInt64(p.load(fromByteOffset: count >> 1, as: UInt8.self))
                let last = UInt64(p.load(fromByteOffset: count - 1, as: UInt8.self))
                a = first << 16 | middle << 8 | last
                b = 0
            } else {
                a = 0
                b = 0
            }
            return mix(a ^ k1, b ^ seed ^ UInt64(count))
        }
        var h = seed ^ UInt64(count)
        var offset = 0
        while count - offset > 16 {
            h = mix(load64(p + offset) ^ k1, load64(p + offset + 8) ^ h)
            offset += 16
        }
        a = load64(p + count - 16)
        b = load64(p + count - 8)
        return mix(a ^ k1, b ^ h)
    }

    /// Up to eight bytes as a big-endian word, zero-padded on the right.
    @inline(__always) private static func prefixWord(_ p: UnsafeRawPointer, _ count: Int) -> UInt64 {
        var word: UInt64 = 0
        for i in 0..<count { word |= UInt64(p.load(fromByteOffset: i, as: UInt8.self)) << UInt64(56 - 8 * i) }
        return word
    }

    @inline(__always) private static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let product = a.multipliedFullWidth(by: b)
        return product.high ^ product.low
    }

    @inline(__always) private static func load64(_ p: UnsafeRawPointer) -> UInt64 {
        UInt64(littleEndian: p.loadUnaligned(as: UInt64.self))
    }

    @inline(__always) private static func load32(_ p: UnsafeRawPointer) -> UInt32 {
        UInt32(littleEndian: p.loadUnaligned(as: UInt32.self))
    }
}
