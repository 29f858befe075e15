import Testing
@testable import Parquet

/// The dictionary hash tables: stable indices in first-seen order, growth, exact bit identity,
/// and reuse across column chunks.
@Suite("Dictionaries")
struct DictionaryTests {
    @Test("fixed-width values keep first-seen indices through growth and reuse")
    func fixedWidth() {
        var dictionary = FixedWidthDictionary<Int64>()
        defer { dictionary.deallocate() }
        for round in 0..<2 {
            for value in 0..<5_000 { #expect(dictionary.index(of: Int64(value) * 31 - 999) == UInt32(value), "round \(round)") }
            for value in stride(from: 4_999, through: 0, by: -7) { #expect(dictionary.index(of: Int64(value) * 31 - 999) == UInt32(value)) }
            #expect(dictionary.count == 5_000 && dictionary.encodedSize == 40_000)
            #expect(dictionary.values[4_999] == 4_999 * 31 - 999)
            dictionary.removeAll()
            #expect(dictionary.count == 0)
        }
    }

    @Test("floats are keyed by their bits: -0.0, 0.0 and NaN payloads stay distinct")
    func floatBits() {
        var dictionary = FixedWidthDictionary<Double>()
        defer { dictionary.deallocate() }
        let values: [Double] = [0.0, -0.0, .nan, Double(nan: 1, signaling: false), 0.0]
        #expect(values.map { dictionary.index(of: $0) } == [0, 1, 2, 3, 0])
    }

    @Test("byte arrays of every length keep first-seen indices through growth and reuse")
    func byteArrays() {
        var dictionary = ByteArrayDictionary(lengthPrefixed: true)
        defer { dictionary.deallocate() }
        let keys = (0..<3_000).map { Array("k\($0)-".utf8) + Array(repeating: UInt8($0 % 251), count: $0 % 40) } + [[]]
        for round in 0..<2 {
            for (index, key) in keys.enumerated() {
                let found = key.withUnsafeBytes { dictionary.index(of: $0.baseAddress ?? UnsafeRawPointer(bitPattern: 8).unsafelyUnwrapped, length: key.count) }
                #expect(found == UInt32(index), "round \(round) key \(index)")
            }
            #expect(dictionary.count == keys.count)
            #expect(dictionary.encodedSize == keys.reduce(0) { $0 + $1.count + 4 })
            let (pointer, length) = dictionary.entry(42)
            #expect(Array(UnsafeRawBufferPointer(start: pointer, count: length)) == keys[42])
            dictionary.removeAll()
        }
    }
}
