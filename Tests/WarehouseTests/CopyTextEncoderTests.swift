import Parquet
import Testing
import Warehouse

/// Known answers of the COPY text form (PostgreSQL documentation, "COPY", "Text Format"); the
/// same values go through a real server in LoaderTests (`CopyTextRoundTripTests`).
@Suite("COPY text encoder")
struct CopyTextEncoderTests {
    private func encode(_ field: Field, _ column: ColumnData) throws -> String {
        var out: [UInt8] = []
        try CopyTextEncoder(schema: Schema([field])).append(ColumnBatch(columns: [column]), into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    @Test("integers, booleans, NULL, floats with their special values")
    func scalars() throws {
        #expect(try encode(.integer("i"), ColumnData(values: .int64([0, -42, .max, .min]))) == "0\n-42\n9223372036854775807\n-9223372036854775808\n")
        #expect(try encode(.boolean("b"), ColumnData(values: .boolean([true, false, true]), validity: [true, true, false])) == "t\nf\n\\N\n")
        #expect(try encode(.double("d"), ColumnData(values: .double([1.5, -0.0, .nan, .infinity, -.infinity, 1e-7]))) == "1.5\n-0.0\nNaN\nInfinity\n-Infinity\n1e-07\n")
    }

    @Test("decimals keep their scale on INT32, INT64 and big-endian FIXED_LEN_BYTE_ARRAY")
    func decimals() throws {
        #expect(try encode(.decimal("d", precision: 9, scale: 2), ColumnData(values: .int32([12345, -5, 0]))) == "123.45\n-0.05\n0.00\n")
        #expect(try encode(.decimal("d", precision: 18, scale: 0), ColumnData(values: .int64([-7]))) == "-7\n")
        // 16-byte two's complement of -1234567890123456789012345 at scale 5.
        let value = Int128(-1_234_567_890_123_456_789_012_345)
        let bytes = (0..<16).map { UInt8(truncatingIfNeeded: value >> (8 * (15 - $0))) }
        #expect(try encode(.decimal("d", precision: 38, scale: 5), ColumnData(values: .fixedLenByteArray(.init(bytes: bytes, width: 16))))
            == "-12345678901234567890.12345\n")
    }

    @Test("dates and UTC timestamps in ISO form, years before 1 as BC")
    func times() throws {
        #expect(try encode(.date("d"), ColumnData(values: .int32([0, 20_427, -719_528]))) == "1970-01-01\n2025-12-05\n0001-01-01 BC\n")
        #expect(try encode(.timestamp("t"), ColumnData(values: .int64([0, 1_764_000_000_123_456, -1])))
            == "1970-01-01 00:00:00.000000+00\n2025-11-24 16:00:00.123456+00\n1969-12-31 23:59:59.999999+00\n")
        #expect(throws: WarehouseError.self) { try encode(.date("d"), ColumnData(values: .int32([Int32.min]))) }
    }

    @Test("text is escaped; bytes become bytea hex with the backslash doubled")
    func text() throws {
        var strings = ByteArrayValues()
        strings.append(Array("tab\there, line\nbreak, back\\slash, cr\r, é".utf8))
        #expect(try encode(.string("s"), ColumnData(values: .byteArray(strings))) == "tab\\there, line\\nbreak, back\\\\slash, cr\\r, é\n")
        var blobs = ByteArrayValues()
        blobs.append([0x00, 0xAB, 0xFF])
        #expect(try encode(.binary("b"), ColumnData(values: .byteArray(blobs))) == "\\\\x00abff\n")
    }

    @Test("columns are tab-separated and a row range selects rows")
    func rows() throws {
        let schema = Schema([.integer("a"), .integer("b")])
        let batch = ColumnBatch(columns: [ColumnData(values: .int64([1, 2, 3])), ColumnData(values: .int64([4, 5, 6]), validity: [true, false, true])])
        var out: [UInt8] = []
        try CopyTextEncoder(schema: schema).append(batch, rows: 1..<3, into: &out)
        #expect(String(decoding: out, as: UTF8.self) == "2\t\\N\n3\t6\n")
    }
}
