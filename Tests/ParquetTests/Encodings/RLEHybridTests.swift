import MillraceTesting
import Testing
@testable import Parquet

/// Known answers for the RLE/bit-packing hybrid (parquet-format Encodings.md, RLE = 3) and
/// round trips through the decoder.
@Suite("RLE/bit-packing hybrid")
struct RLEHybridTests {
    private func encode<T: FixedWidthInteger & UnsignedInteger>(_ values: [T], bitWidth: Int) -> [UInt8] {
        let out = ByteBuffer()
        values.withUnsafeBufferPointer { RLEEncoder.encode($0, bitWidth: bitWidth, into: out) }
        return out.toArray()
    }

    private func decode(_ bytes: [UInt8], count: Int, bitWidth: Int) throws -> [UInt32] {
        var values = [UInt32](repeating: 0, count: count)
        try bytes.withUnsafeBytes { raw in
            var decoder = try RLEDecoder(raw, bitWidth: bitWidth)
            try values.withUnsafeMutableBufferPointer { try decoder.decode(into: $0.baseAddress.unsafelyUnwrapped, count: count) }
        }
        return values
    }

    @Test("the spec's bit-packing example: 0...7 in 3 bits")
    func specExample() throws {
        // Encodings.md: "10001000 11000110 11111010" after a one-group header (1 << 1 | 1).
        let bytes = encode([0, 1, 2, 3, 4, 5, 6, 7] as [UInt32], bitWidth: 3)
        #expect(bytes == [0x03, 0x88, 0xC6, 0xFA])
        #expect(try decode(bytes, count: 8, bitWidth: 3) == [0, 1, 2, 3, 4, 5, 6, 7])
    }

    @Test("a long repeat becomes one RLE run")
    func repeatedRun() throws {
        // Header varint(100 << 1) = 0xC8 0x01, then the value in one byte.
        let bytes = encode(Array(repeating: 5, count: 100) as [UInt32], bitWidth: 3)
        #expect(bytes == [0xC8, 0x01, 0x05])
        // Values wider than a byte take ceil(bitWidth / 8) bytes, little-endian.
        #expect(encode(Array(repeating: 0x1234, count: 9) as [UInt32], bitWidth: 13) == [0x12, 0x34, 0x12])
    }

    @Test("literals before a run borrow from it to fill a group of eight")
    func literalPadding() throws {
        // [1, 2, 3] + twenty 7s: the literal takes five 7s (one group), the run keeps fifteen.
        let values: [UInt32] = [1, 2, 3] + Array(repeating: 7, count: 20)
        let bytes = encode(values, bitWidth: 3)
        #expect(bytes == [0x03, 0xD1, 0xFE, 0xFF, 0x1E, 0x07])
        #expect(try decode(bytes, count: values.count, bitWidth: 3) == values)
    }

    @Test("a short run stays in the literal, and the last group is zero-padded")
    func trailingLiteral() throws {
        let values: [UInt32] = Array(repeating: 1, count: 10) + [2, 3]
        #expect(encode(values, bitWidth: 2) == [0x14, 0x01, 0x03, 0x0E, 0x00])
        #expect(encode([1, 1, 1, 2] as [UInt32], bitWidth: 2) == [0x03, 0x95, 0x00])
    }

    @Test("bit width 0 (a one-entry dictionary) writes runs without value bytes")
    func zeroWidth() throws {
        let bytes = encode(Array(repeating: 0, count: 300) as [UInt32], bitWidth: 0)
        #expect(bytes == [0xD8, 0x04])
        #expect(try decode(bytes, count: 300, bitWidth: 0) == Array(repeating: 0, count: 300))
    }

    @Test("literal runs longer than 504 values split so every header is one byte")
    func longLiterals() throws {
        let values = (0..<1000).map { UInt32($0 % 256) }
        let bytes = encode(values, bitWidth: 8)
        #expect(bytes[0] == 0x7F)  // 63 groups
        #expect(bytes[1 + 504] == 0x7D)  // the remaining 62 groups
        #expect(bytes.count == 1 + 504 + 1 + 496)
        #expect(try decode(bytes, count: 1000, bitWidth: 8) == values)
    }

    @Test("definition levels (bytes 0/1) pack eight at a time")
    func levels() throws {
        let levels: [UInt8] = [1, 0, 1, 1, 0, 0, 0, 1, 1]
        // Bits LSB first: 0b1000_1101, then 0b0000_0001; two groups.
        #expect(encode(levels, bitWidth: 1) == [0x05, 0x8D, 0x01])
    }

    @Test("random sequences round-trip at every bit width", arguments: Array(0...32))
    func roundTrips(bitWidth: Int) throws {
        var random = SeededRandom(seed: UInt64(bitWidth) &* 7919)
        let maxValue: UInt64 = bitWidth == 0 ? 0 : (1 << UInt64(bitWidth)) - 1
        for trial in 0..<30 {
            var values: [UInt32] = []
            while values.count < Int.random(in: 1...600, using: &random) {
                let value = UInt32(UInt64.random(in: 0...maxValue, using: &random))
                values += Array(repeating: value, count: random.chance(0.3) ? Int.random(in: 1...40, using: &random) : 1)
            }
            let bytes = encode(values, bitWidth: bitWidth)
            #expect(try decode(bytes, count: values.count, bitWidth: bitWidth) == values, "width \(bitWidth), trial \(trial)")
        }
    }

    @Test("the decoder rejects data that ends early and bad widths")
    func corruptInput() throws {
        #expect(throws: ParquetError.self) { try decode([0x03, 0x88], count: 8, bitWidth: 3) }
        #expect(throws: ParquetError.self) { try decode([0xC8, 0x01], count: 100, bitWidth: 3) }
        #expect(throws: ParquetError.self) { try decode([], count: 1, bitWidth: 1) }
        #expect(throws: ParquetError.self) { try decode([0x02, 0x01], count: 1, bitWidth: 33) }
        #expect(throws: ParquetError.self) { try decode([0x00, 0x01], count: 1, bitWidth: 1) }
    }

    @Test("bit packing round-trips every width and count")
    func bitPacking() {
        var random = SeededRandom(seed: 42)
        for width in 0...32 {
            for count in [1, 7, 8, 9, 63, 64, 65] {
                let maxValue: UInt64 = width == 0 ? 0 : (1 << UInt64(width)) - 1
                let values = (0..<count).map { _ in UInt32(UInt64.random(in: 0...maxValue, using: &random)) }
                var packed = [UInt8](repeating: 0xAA, count: (count + 7) / 8 * width + 8)
                let written = values.withUnsafeBufferPointer { source in
                    packed.withUnsafeMutableBytes { BitPacking.pack(source.baseAddress.unsafelyUnwrapped, count: count, width: width, to: $0.baseAddress.unsafelyUnwrapped) }
                }
                #expect(written == (count + 7) / 8 * width)
                var unpacked = [UInt32](repeating: 0, count: (count + 7) / 8 * 8)
                packed.withUnsafeBytes { raw in
                    unpacked.withUnsafeMutableBufferPointer { BitPacking.unpack(raw.baseAddress.unsafelyUnwrapped, count: $0.count, width: width, to: $0.baseAddress.unsafelyUnwrapped) }
                }
                #expect(Array(unpacked.prefix(count)) == values, "width \(width) count \(count)")
                // The padding values of the last group are zero.
                #expect(unpacked.dropFirst(count).allSatisfy { $0 == 0 }, "width \(width) count \(count) padding")
            }
        }
    }
}
