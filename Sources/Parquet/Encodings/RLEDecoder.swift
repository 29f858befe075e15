/// Decoder for the RLE/bit-packing hybrid (parquet-format Encodings.md, RLE = 3).
///
/// Reads untrusted bytes: run lengths are checked against the values the caller asked for,
/// bit-packed runs against the bytes that remain, and running out of bytes is an error, never a
/// read past the end.
struct RLEDecoder {
    private let bytes: UnsafeRawBufferPointer
    private let bitWidth: Int
    private var position = 0

    /// A decoder over `bytes` (no length prefix) of values `bitWidth` (0...32) bits wide.
    init(_ bytes: UnsafeRawBufferPointer, bitWidth: Int) throws {
        guard (0...32).contains(bitWidth) else { throw ParquetError.corrupt("RLE bit width \(bitWidth) is not within 0...32") }
        self.bytes = bytes
        self.bitWidth = bitWidth
    }

    /// Bytes consumed so far.
    var consumed: Int { position }

    /// Decodes exactly `count` values into `out`, or throws if the data ends first.
    mutating func decode<T: FixedWidthInteger & UnsignedInteger>(into out: UnsafeMutablePointer<T>, count: Int) throws {
        var done = 0
        while done < count {
            let header = try readVarint()
            if header & 1 == 0 {
                let runLength = Int(clamping: header >> 1)
                let width = (bitWidth + 7) / 8
                guard width <= bytes.count - position else { throw ParquetError.corrupt("RLE run value runs past the page") }
                var value: UInt64 = 0
                for b in 0..<width { value |= UInt64(bytes[position + b]) << UInt64(8 * b) }
                position += width
                guard value <= UInt64(T.max) else { throw ParquetError.corrupt("RLE value \(value) does not fit its type") }
                let take = min(runLength, count - done)
                guard runLength > 0 else { throw ParquetError.corrupt("empty RLE run") }
                (out + done).initialize(repeating: T(truncatingIfNeeded: value), count: take)
                done += take
            } else {
                let groups = Int(clamping: header >> 1)
                guard groups > 0 else { throw ParquetError.corrupt("empty bit-packed run") }
                let available = bytes.count - position
                // Some writers end the last run early; decode the whole values that are there.
                let (valuesInRun, overflow) = groups.multipliedReportingOverflow(by: 8)
                let packedBytes = overflow ? Int.max : (valuesInRun * bitWidth + 7) / 8
                let usableValues = bitWidth == 0 ? valuesInRun : min(valuesInRun, available * 8 / bitWidth)
                let take = min(usableValues, count - done)
                guard take > 0 else { throw ParquetError.corrupt("bit-packed run runs past the page") }
                if let base = bytes.baseAddress {
                    BitPacking.unpack(base + position, count: take, width: bitWidth, to: out + done)
                } else {
                    (out + done).initialize(repeating: 0, count: take)
                }
                position += min(packedBytes, available)
                done += take
            }
        }
    }

    private mutating func readVarint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < bytes.count else { throw ParquetError.corrupt("RLE data ends before all values were read") }
            let byte = bytes[position]
            position += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
            guard shift <= 63 else { throw ParquetError.corrupt("RLE run header longer than 10 bytes") }
        }
    }
}
