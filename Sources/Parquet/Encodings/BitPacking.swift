// Bit packing as the RLE/bit-packing hybrid uses it (parquet-format Encodings.md, RLE = 3,
// note 1): values packed back to back from the least significant bit of each byte. Eight values
// of width w fill exactly w bytes, so a run of groups is one continuous bit stream.

enum BitPacking {
    /// Bits needed to store `maxValue` (0 for 0).
    @inline(__always) static func bitWidth(of maxValue: UInt64) -> Int {
        maxValue == 0 ? 0 : 64 - maxValue.leadingZeroBitCount
    }

    /// Packs `count` values of `width` bits (0...32) at `out`, then zeros up to a multiple of 8
    /// values. Writes exactly `(count + 7) / 8 * width` bytes; `out` must have 8 bytes of slack
    /// beyond that for the final word store.
    /// Returns the bytes written.
    static func pack<T: FixedWidthInteger & UnsignedInteger>(
        _ values: UnsafePointer<T>, count: Int, width: Int, to out: UnsafeMutableRawPointer
    ) -> Int {
        let total = (count + 7) / 8 * width
        if width == 0 { return 0 }
        if width == 1 && T.self == UInt8.self {
            packBytesOfOneBit(UnsafeRawPointer(values), count: count, to: out)
            return total
        }
        var accumulator: UInt64 = 0
        var bits = 0
        var cursor = out
        for k in 0..<count {
            let value = UInt64(truncatingIfNeeded: values[k])
            accumulator |= value &<< UInt64(bits)
            bits += width
            if bits >= 64 {
                cursor.storeBytes(of: accumulator.littleEndian, as: UInt64.self)
                cursor += 8
                bits -= 64
                accumulator = bits > 0 ? value &>> UInt64(width - bits) : 0
            }
        }
        // The padding values are zero: store what the accumulator holds, then zero whatever
        // of the last group lies beyond it.
        let written = cursor - out
        if written < total {
            cursor.storeBytes(of: accumulator.littleEndian, as: UInt64.self)
            if total - written > 8 { (cursor + 8).initializeMemory(as: UInt8.self, repeating: 0, count: total - written - 8) }
        }
        return total
    }

    /// Width-1 packing of bytes that are 0 or 1 (definition levels, booleans): eight at a time
    /// with one multiply, which gathers bit 0 of each byte into the top byte.
    private static func packBytesOfOneBit(_ source: UnsafeRawPointer, count: Int, to out: UnsafeMutableRawPointer) {
        let whole = count / 8
        for group in 0..<whole {
            let word = UInt64(littleEndian: source.loadUnaligned(fromByteOffset: group * 8, as: UInt64.self))
            out.storeBytes(of: UInt8(truncatingIfNeeded: (word &* 0x0102_0408_1020_4080) >> 56), toByteOffset: group, as: UInt8.self)
        }
        let rest = count - whole * 8
        if rest > 0 {
            var byte: UInt8 = 0
            for k in 0..<rest {
                byte |= (source.load(fromByteOffset: whole * 8 + k, as: UInt8.self) & 1) << UInt8(k)
            }
            out.storeBytes(of: byte, toByteOffset: whole, as: UInt8.self)
        }
    }

    /// Unpacks `count` values of `width` bits (0...32) from `source`, which must hold at least
    /// `(count * width + 7) / 8` bytes.
    static func unpack<T: FixedWidthInteger & UnsignedInteger>(
        _ source: UnsafeRawPointer, count: Int, width: Int, to out: UnsafeMutablePointer<T>
    ) {
        if width == 0 {
            out.initialize(repeating: 0, count: count)
            return
        }
        let mask: UInt64 = (1 << UInt64(width)) - 1
        var bitOffset = 0
        for k in 0..<count {
            let byte = bitOffset >> 3
            let shift = UInt64(bitOffset & 7)
            // Read up to 5 bytes (shift ≤ 7, width ≤ 32) without running past the source.
            let needed = (Int(shift) + width + 7) >> 3
            var word: UInt64 = 0
            for b in 0..<needed {
                word |= UInt64(source.load(fromByteOffset: byte + b, as: UInt8.self)) << UInt64(8 * b)
            }
            out[k] = T(truncatingIfNeeded: (word >> shift) & mask)
            bitOffset += width
        }
    }
}
