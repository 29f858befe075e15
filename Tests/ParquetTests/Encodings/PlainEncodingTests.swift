import Testing
@testable import Parquet

/// Known answers for the bytes of written pages (uncompressed, so they can be read as they
/// are): PLAIN values (parquet-format Encodings.md, PLAIN), definition levels with their 4-byte
/// length (v1 data pages), and dictionary pages with RLE_DICTIONARY indices. The files the
/// pages come from are also read by pyarrow and DuckDB (`independentReaders`).
@Suite("PLAIN and dictionary page bytes")
struct PlainEncodingTests {
    /// One file of the known-answer tests: its schema, rows and whether dictionaries are on.
    struct Sample {
        var schema: Schema
        var batch: ColumnBatch
        var dictionary = false
    }

    static let samples: [String: Sample] = {
        var bytes = ByteArrayValues()
        bytes.append(Array("ab".utf8))
        bytes.appendEmpty()
        bytes.append([UInt8]())
        var repeated = ByteArrayValues()
        for text in ["x", "y", "x", "x"] { repeated.append(Array(text.utf8)) }
        let decimal = Field.decimal("d", precision: 4, scale: 2, nullable: false)
        let fixed = Field(name: "d", physicalType: .fixedLenByteArray, logicalType: decimal.logicalType, repetition: .required, typeLength: 2)
        return [
            "int32": Sample(schema: Schema([.integer("a", bitWidth: 32, nullable: false)]), batch: ColumnBatch(columns: [ColumnData(values: .int32([1, -2]))])),
            "int64": Sample(schema: Schema([.integer("a", nullable: false)]), batch: ColumnBatch(columns: [ColumnData(values: .int64([-1, 256]))])),
            "float": Sample(schema: Schema([.float("f", nullable: false)]), batch: ColumnBatch(columns: [ColumnData(values: .float([1.5]))])),
            "double": Sample(schema: Schema([.double("d", nullable: false)]), batch: ColumnBatch(columns: [ColumnData(values: .double([-2]))])),
            "boolean": Sample(
                schema: Schema([.boolean("b", nullable: false)]),
                batch: ColumnBatch(columns: [ColumnData(values: .boolean([true, false, true, true, false, false, false, false, true]))])
            ),
            "byte arrays with nulls": Sample(
                schema: Schema([.string("s")]), batch: ColumnBatch(columns: [ColumnData(values: .byteArray(bytes), validity: [true, false, true])])
            ),
            "fixed length": Sample(
                schema: Schema([fixed]),
                batch: ColumnBatch(columns: [ColumnData(values: .fixedLenByteArray(FixedLenByteArrayValues(bytes: [0x04, 0xD2, 0xFB, 0x2E], width: 2)))])
            ),
            "dictionary": Sample(schema: Schema([.string("s", nullable: false)]), batch: ColumnBatch(columns: [ColumnData(values: .byteArray(repeated))]), dictionary: true),
        ]
    }()

    /// The sample's file, uncompressed.
    static func file(_ sample: Sample) throws -> (bytes: [UInt8], summary: FileSummary) {
        var properties = WriterProperties()
        properties.compression = .uncompressed
        properties.dictionaryEnabled = sample.dictionary
        let sink = MemorySink()
        let writer = try ParquetWriter(schema: sample.schema, sink: sink, properties: properties)
        try writer.append(sample.batch)
        let summary = try writer.close()
        return (sink.bytes, summary)
    }

    @Test("every sample file reads the same in pyarrow and DuckDB")
    func independentReaders() async throws {
        try await ReaderOracle.check(Self.samples.sorted { $0.key < $1.key }.map { name, sample in
            try WrittenFile(name, bytes: try Self.file(sample).bytes, schema: sample.schema, batch: sample.batch, statistics: true)
        })
    }

    /// The pages of column 0 of row group 0 of sample `name`.
    private func pages(_ name: String) throws -> [(PageHeader, [UInt8])] {
        let sample = try #require(Self.samples[name])
        let (bytes, summary) = try Self.file(sample)
        let chunk = summary.metadata.rowGroups[0].columns[0]
        var position = Int(chunk.fileOffset)
        var pages: [(PageHeader, [UInt8])] = []
        while position < Int(chunk.fileOffset + chunk.totalCompressedSize) {
            var decoder = CompactDecoder(bytes, start: position)
            let header = try PageHeader.read(from: &decoder)
            let body = Array(bytes[decoder.position..<decoder.position + Int(header.compressedPageSize)])
            pages.append((header, body))
            position = decoder.position + body.count
        }
        return pages
    }

    @Test("INT32 and INT64 are little-endian two's complement")
    func integers() throws {
        let int32 = try pages("int32")
        #expect(int32.map(\.1) == [[0x01, 0, 0, 0, 0xFE, 0xFF, 0xFF, 0xFF]])
        #expect(int32[0].0.dataPage?.encoding == .plain)
        let int64 = try pages("int64")
        #expect(int64.map(\.1) == [[0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0, 1, 0, 0, 0, 0, 0, 0]])
    }

    @Test("FLOAT and DOUBLE are their IEEE 754 bits, little-endian")
    func floats() throws {
        let float = try pages("float")
        #expect(float.map(\.1) == [[0x00, 0x00, 0xC0, 0x3F]])
        let double = try pages("double")
        #expect(double.map(\.1) == [[0, 0, 0, 0, 0, 0, 0, 0xC0]])
    }

    @Test("BOOLEAN is bit-packed, least significant bit first")
    func booleans() throws {
        let result = try pages("boolean")
        #expect(result.map(\.1) == [[0x0D, 0x01]])
    }

    @Test("BYTE_ARRAY values carry a 4-byte length; nulls appear only in the levels")
    func byteArraysWithNulls() throws {
        let result = try pages("byte arrays with nulls")
        // Levels [1, 0, 1]: length 2, then one bit-packed group (0x03) holding 0b101.
        #expect(result.map(\.1) == [[0x02, 0, 0, 0, 0x03, 0x05, 0x02, 0, 0, 0, 0x61, 0x62, 0, 0, 0, 0]])
        #expect(result[0].0.dataPage?.numValues == 3)
    }

    @Test("FIXED_LEN_BYTE_ARRAY values are their bytes, back to back")
    func fixedLength() throws {
        let result = try pages("fixed length")
        #expect(result.map(\.1) == [[0x04, 0xD2, 0xFB, 0x2E]])
    }

    @Test("a dictionary page holds the entries in first-seen order; data pages hold indices")
    func dictionary() throws {
        let result = try pages("dictionary")
        #expect(result.count == 2)
        #expect(result[0].0.type == .dictionaryPage)
        #expect(result[0].0.dictionaryPage == PageHeader.DictionaryPage(numValues: 2, encoding: .plain))
        #expect(result[0].1 == [1, 0, 0, 0, 0x78, 1, 0, 0, 0, 0x79])
        #expect(result[1].0.dataPage?.encoding == .rleDictionary)
        // Bit width 1, then indices [0, 1, 0, 0] in one bit-packed group: 0b0010.
        #expect(result[1].1 == [0x01, 0x03, 0x02])
    }
}
