import Testing
@testable import Parquet

/// Bad batches are refused whole, with a code callers can match, and leave the writer usable.
@Suite("Batch validation")
struct BatchValidationTests {
    private let schema = Schema([
        .integer("id", nullable: false), .string("name"), .decimal("amount", precision: 20, scale: 5),
        .decimal("small", precision: 4, scale: 2), .integer("tiny", bitWidth: 8),
    ])

    private func good(_ rows: Int = 2) -> ColumnBatch {
        var names = ByteArrayValues()
        for _ in 0..<rows { names.append(Array("ok".utf8)) }
        return ColumnBatch(columns: [
            ColumnData(values: .int64((0..<rows).map(Int64.init))),
            ColumnData(values: .byteArray(names)),
            ColumnData(values: .fixedLenByteArray(FixedLenByteArrayValues(bytes: Array(repeating: 0, count: 9 * rows), width: 9))),
            ColumnData(values: .int32(Array(repeating: 9999, count: rows))),
            ColumnData(values: .int32(Array(repeating: -128, count: rows))),
        ])
    }

    private func replacing(_ column: Int, with data: ColumnData, rows: Int = 2) -> ColumnBatch {
        var batch = good(rows)
        batch.columns[column] = data
        return batch
    }

    @Test("each malformed batch fails with its code and writes nothing")
    func refusals() async throws {
        var badUTF8 = ByteArrayValues()
        badUTF8.append([0x61])
        badUTF8.append([0xC3, 0x28])
        var tooBig = FixedLenByteArrayValues(width: 9)
        tooBig.bytes = Array(repeating: 0, count: 9) + RandomTable.bigEndian(RandomTable.powerOfTen(20), width: 9)
        let cases: [(String, ColumnBatch, [Int32]?, ParquetError.Code)] = [
            ("missing column", ColumnBatch(columns: Array(good().columns.dropLast())), nil, .invalidBatch),
            ("wrong value type", replacing(0, with: ColumnData(values: .int32([1, 2]))), nil, .invalidBatch),
            ("short column", replacing(0, with: ColumnData(values: .int64([1]))), nil, .invalidBatch),
            ("short validity", replacing(1, with: ColumnData(values: good().columns[1].values, validity: [true])), nil, .invalidBatch),
            ("offsets past the bytes", replacing(1, with: ColumnData(values: .byteArray(ByteArrayValues(bytes: [1], offsets: [0, 1, 5])))), nil, .invalidBatch),
            ("decreasing offsets", replacing(1, with: ColumnData(values: .byteArray(ByteArrayValues(bytes: [1, 2], offsets: [0, 2, 1])))), nil, .invalidBatch),
            ("no offsets", replacing(1, with: ColumnData(values: .byteArray(ByteArrayValues(bytes: [], offsets: [])))), nil, .invalidBatch),
            ("wrong width", replacing(2, with: ColumnData(values: .fixedLenByteArray(FixedLenByteArrayValues(bytes: Array(repeating: 0, count: 16), width: 8)))), nil, .invalidBatch),
            ("null in a required column", replacing(0, with: ColumnData(values: .int64([1, 2]), validity: [true, false])), nil, .nullInRequiredColumn),
            ("row index past the end", good(), [0, 2], .invalidBatch),
            ("negative row index", good(), [-1], .invalidBatch),
            ("invalid UTF-8", replacing(1, with: ColumnData(values: .byteArray(badUTF8))), nil, .invalidValue),
            ("decimal of 21 digits", replacing(2, with: ColumnData(values: .fixedLenByteArray(tooBig))), nil, .invalidValue),
            ("DECIMAL(4) holding 10000", replacing(3, with: ColumnData(values: .int32([1, -10_000]))), nil, .invalidValue),
            ("INTEGER(8) holding 128", replacing(4, with: ColumnData(values: .int32([127, 128]))), nil, .invalidValue),
        ]
        let sink = MemorySink()
        let writer = try ParquetWriter(schema: schema, sink: sink)
        for (name, batch, rows, expected) in cases {
            do {
                if let rows { try writer.append(batch, rows: rows) } else { try writer.append(batch) }
                Issue.record("\(name): accepted")
            } catch let error as ParquetError {
                #expect(error.code == expected, "\(name): \(error)")
            }
        }
        // Still usable, and nothing of the refused batches reached the file: our reader and
        // pyarrow and DuckDB see the three good rows alone.
        try writer.append(good(3))
        #expect(try writer.close().rowCount == 3)
        #expect(try ParquetReader(source: MemorySource(sink.bytes)).readRowGroup(0).rowCount == 3)
        try await ReaderOracle.check([WrittenFile("after refusals", bytes: sink.bytes, schema: schema, batch: good(3))])
    }

    @Test("values in unselected rows and null slots are not checked")
    func ignoredSlots() throws {
        var names = ByteArrayValues()
        names.append([0xFF])  // invalid UTF-8, but in a null slot
        names.append(Array("fine".utf8))
        let batch = ColumnBatch(columns: [
            ColumnData(values: .int64([1, 2]), validity: [false, true]),  // the null is in an unselected row
            ColumnData(values: .byteArray(names), validity: [false, true]),
            ColumnData(values: .fixedLenByteArray(FixedLenByteArrayValues(bytes: Array(repeating: 0xFF, count: 18), width: 9))),
            ColumnData(values: .int32([99_999, 1])),  // out of DECIMAL(4) range in row 0 only
            ColumnData(values: .int32([1_000, 1])),
        ])
        let writer = try ParquetWriter(schema: schema, sink: MemorySink())
        try writer.append(batch, rows: [1, 1])
        #expect(try writer.close().rowCount == 2)
    }

    @Test("big-endian decimals sign-extend at every width")
    func bigEndianIntegers() {
        for width in 1...16 {
            for value: Int128 in [0, 1, -1, 127, -128, Int128(Int64.max), Int128(Int64.min), RandomTable.powerOfTen(min(width * 2, 38)) - 1] {
                let bound: Int128 = width == 16 ? .max : Int128(1) << (8 * width - 1)
                guard value < bound && value >= -bound else { continue }
                let bytes = RandomTable.bigEndian(value, width: width)
                let decoded = bytes.withUnsafeBytes { ColumnData.bigEndianInteger($0.baseAddress.unsafelyUnwrapped, width: width) }
                #expect(decoded == value, "width \(width) value \(value)")
            }
        }
    }
}
