/// Encoder for the RLE/bit-packing hybrid (parquet-format Encodings.md, RLE = 3): definition
/// levels, dictionary indices and RLE booleans.
///
/// It sees a whole page of values at once, so it finds runs by scanning ahead instead of
/// buffering eight values as streaming encoders do: a run of at least 8 equal values becomes an
/// RLE run (after lending up to 7 of its values to pad the literal values before it to a group of
/// 8); everything else is bit-packed, at most 63 groups per header so each header is one byte
/// (as parquet-cpp and parquet-mr write them).
enum RLEEncoder {
    /// Values per bit-packed run header: 63 groups of 8.
    private static let maxLiteralValues = 63 * 8

    /// Appends the encoding of `values` (each below `1 << bitWidth`, `bitWidth` in 0...32) to
    /// `out`, without a length prefix.
    static func encode<T: FixedWidthInteger & UnsignedInteger>(
        _ values: UnsafeBufferPointer<T>, bitWidth: Int, into out: ByteBuffer
    ) {
        guard let base = values.baseAddress, values.count > 0 else { return }
        let count = values.count
        var literalStart = 0
        var i = 0
        while i < count {
            let value = base[i]
            var j = i + 1
            while j < count && base[j] == value { j += 1 }
            let run = j - i
            if run >= 8 {
                let pending = i - literalStart
                let pad = (8 - pending & 7) & 7
                if run - pad >= 8 {
                    if pending + pad > 0 { appendLiteral(base + literalStart, count: pending + pad, bitWidth: bitWidth, into: out) }
                    appendRun(UInt64(value), count: run - pad, bitWidth: bitWidth, into: out)
                    literalStart = j
                }
            }
            i = j
        }
        if literalStart < count {
            appendLiteral(base + literalStart, count: count - literalStart, bitWidth: bitWidth, into: out)
        }
    }

    /// Appends `<varint(count << 1)> <value in ceil(bitWidth / 8) bytes, little-endian>`.
    static func appendRun(_ value: UInt64, count: Int, bitWidth: Int, into out: ByteBuffer) {
        out.appendVarint(UInt64(count) << 1)
        let width = (bitWidth + 7) / 8
        out.reserve(8)
        out.end.storeBytes(of: value.littleEndian, as: UInt64.self)
        out.count += width
    }

    /// Appends bit-packed runs holding `count` values, zero-padded to whole groups of 8.
    static func appendLiteral<T: FixedWidthInteger & UnsignedInteger>(
        _ values: UnsafePointer<T>, count: Int, bitWidth: Int, into out: ByteBuffer
    ) {
        var done = 0
        while done < count {
            let chunk = min(maxLiteralValues, count - done)
            let groups = (chunk + 7) / 8
            out.reserve(1 + groups * bitWidth + 8)
            out.append(UInt8(groups << 1 | 1))
            out.count += BitPacking.pack(values + done, count: chunk, width: bitWidth, to: out.end)
            done += chunk
        }
    }
}
