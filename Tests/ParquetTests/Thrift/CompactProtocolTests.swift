import Testing
@testable import Parquet

/// Known answers for the Thrift compact protocol (Apache Thrift `thrift-compact-protocol.md`),
/// computed by hand from the spec, and the decoder's defences against hostile input.
@Suite("Thrift compact protocol")
struct CompactProtocolTests {
    private func encode(_ body: (inout CompactEncoder) -> Void) -> [UInt8] {
        let buffer = ByteBuffer()
        var encoder = CompactEncoder(buffer: buffer)
        body(&encoder)
        return buffer.toArray()
    }

    @Test("short field headers pack the id delta and type in one byte")
    func shortFieldHeaders() {
        let bytes = encode { e in
            e.beginStruct()
            e.i32(1, 1)  // 0x15 (delta 1, type 5), zigzag(1) = 2
            e.i64(2, -1)  // 0x16, zigzag(-1) = 1
            e.bool(3, true)  // 0x11: booleans live in the type nibble (1 = true)
            e.bool(4, false)  // 0x12
            e.string(5, "ab")  // 0x18, length 2, "ab"
            e.endStruct()
        }
        #expect(bytes == [0x15, 0x02, 0x16, 0x01, 0x11, 0x12, 0x18, 0x02, 0x61, 0x62, 0x00])
    }

    @Test("a delta above 15 writes the type alone, then the zigzag id")
    func longFieldHeader() {
        let bytes = encode { e in
            e.beginStruct()
            e.i32(1, 150)  // zigzag(150) = 300 = 0xAC 0x02
            e.i32(20, 0)  // delta 19: 0x05, zigzag(20) = 40 = 0x28, value 0
            e.endStruct()
        }
        #expect(bytes == [0x15, 0xAC, 0x02, 0x05, 0x28, 0x00, 0x00])
    }

    @Test("lists carry short sizes in the header and long ones in a varint")
    func lists() {
        let short = encode { e in
            e.beginStruct()
            e.listField(1, count: 3, of: .i32)
            for value: Int32 in [1, -1, 64] { e.i32Element(value) }
            e.endStruct()
        }
        #expect(short == [0x19, 0x35, 0x02, 0x01, 0x80, 0x01, 0x00])
        let long = encode { e in e.listHeader(count: 20, of: .binary) }
        #expect(long == [0xF8, 0x14])
    }

    @Test("nested structs restart field ids and restore the outer ones")
    func nestedStructs() {
        let bytes = encode { e in
            e.beginStruct()
            e.i32(1, 0)
            e.structField(2)
            e.beginStruct()
            e.i32(1, 3)
            e.endStruct()
            e.i32(3, 0)  // delta 1 from field 2, not from the nested field 1
            e.endStruct()
        }
        #expect(bytes == [0x15, 0x00, 0x1C, 0x15, 0x06, 0x00, 0x15, 0x00, 0x00])
    }

    @Test("a page header encodes as parquet.thrift lays it out")
    func pageHeader() throws {
        let header = PageHeader(
            type: .dataPage, uncompressedPageSize: 100, compressedPageSize: 60,
            dataPage: .init(numValues: 10, encoding: .rleDictionary, definitionLevelEncoding: .rle, repetitionLevelEncoding: .rle)
        )
        let bytes = encode { header.write(to: &$0) }
        #expect(bytes == [0x15, 0x00, 0x15, 0xC8, 0x01, 0x15, 0x78, 0x2C, 0x15, 0x14, 0x15, 0x10, 0x15, 0x06, 0x15, 0x06, 0x00, 0x00])
        var decoder = CompactDecoder(bytes)
        #expect(try PageHeader.read(from: &decoder) == header)
    }

    @Test("unknown fields of every type are skipped")
    func skipsUnknownFields() throws {
        // A Statistics struct with extra fields 20...26: double, binary, list of bools, map,
        // nested struct, set, byte; then null_count (field 3, written after via long header).
        let bytes: [UInt8] = [
            0x07, 0x28, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F,  // 20: double 1.0
            0x18, 0x03, 0x61, 0x62, 0x63,  // 21: binary "abc"
            0x19, 0x21, 0x01, 0x02,  // 22: list<bool> [true, false]
            0x1B, 0x01, 0x55, 0x02, 0x04,  // 23: map<i32,i32> {1: 2}
            0x1C, 0x15, 0x02, 0x00,  // 24: struct { 1: i32 1 }
            0x1A, 0x15, 0x02,  // 25: set<i32> {1}
            0x13, 0x7F,  // 26: byte 127
            0x06, 0x06, 0x0A,  // 3: i64 null_count = 5 (long header: type, zigzag id 3 = 6)
            0x00,
        ]
        var decoder = CompactDecoder(bytes)
        let statistics = try Statistics.read(from: &decoder)
        #expect(statistics.nullCount == 5)
        #expect(decoder.remaining == 0)
    }

    @Test("hostile input fails with corruptFile instead of trapping or allocating")
    func hostileInput() {
        // Decoded as a FileMetaData: field 1 is its i32 version, field 15 an unknown field.
        let cases: [(String, [UInt8])] = [
            ("truncated varint", [0x15, 0x80, 0x80]),
            ("varint longer than 10 bytes", [0x15] + Array(repeating: 0xFF, count: 11) + [0x01]),
            ("i32 holding a 64-bit value", [0x15, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x00]),
            ("binary longer than the input", [0xF8, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x61]),
            ("list of 2^30 elements", [0xF9, 0xF5, 0x80, 0x80, 0x80, 0x80, 0x04]),
            ("unknown type nibble", [0x1D, 0x00]),
            ("wrong type for a known field", [0x18, 0x01, 0x61, 0x00]),
            ("structs nested 40 deep", [0xFC] + Array(repeating: 0x1C, count: 39) + Array(repeating: 0x00, count: 41)),
            ("no stop byte", [0x15, 0x02]),
            ("required fields missing", [0x15, 0x02, 0x00]),
        ]
        for (name, bytes) in cases {
            var decoder = CompactDecoder(bytes)
            do {
                _ = try FileMetadata.read(from: &decoder)
                Issue.record("\(name): decoded without error")
            } catch let error as ParquetError {
                #expect(error.code == .corruptFile, "\(name): \(error)")
            } catch {
                Issue.record("\(name): unexpected \(error)")
            }
        }
    }

    @Test("footers round-trip through the encoder and decoder")
    func footerRoundTrip() throws {
        let schema = Schema([.string("s"), .decimal("d", precision: 20, scale: 5, nullable: false), .timestamp("t")])
        let chunk = ColumnChunkMetadata(
            fileOffset: 4, physicalType: .byteArray, encodings: [.plain, .rle, .rleDictionary], pathInSchema: ["s"],
            codec: .snappy, numValues: 3, totalUncompressedSize: 90, totalCompressedSize: 80, dataPageOffset: 30,
            dictionaryPageOffset: 4,
            statistics: Statistics(nullCount: 1, minValue: [0x61], maxValue: [0x7A], isMinValueExact: true, isMaxValueExact: false),
            encodingStats: [PageEncodingStats(pageType: .dictionaryPage, encoding: .plain, count: 1)]
        )
        let metadata = FileMetadata(
            version: 2, schemaElements: schema.schemaElements, numRows: 3,
            rowGroups: [RowGroupMetadata(columns: [chunk, chunk, chunk], totalByteSize: 270, numRows: 3, fileOffset: 4, totalCompressedSize: 240, ordinal: 0)],
            keyValueMetadata: [KeyValue(key: "k", value: nil), KeyValue(key: "offsets", value: "{\"p0\": 17}")],
            createdBy: "millrace version test", columnOrdersAreTypeDefined: [true, true, true]
        )
        let bytes = encode { metadata.write(to: &$0) }
        var decoder = CompactDecoder(bytes)
        let decoded = try FileMetadata.read(from: &decoder)
        #expect(decoded == metadata)
        #expect(try Schema(flatElements: decoded.schemaElements) == schema)
    }
}
