import Foundation
import MillraceTesting
import Testing
@testable import Parquet

/// `millrace inspect`: the library's text and JSON reports, and the command itself.
@Suite("inspect")
struct InspectTests {
    static let sampleSchema = Schema([
        .integer("id", nullable: false), .timestamp("at"), .date("day"), .decimal("amount", precision: 20, scale: 5),
        .decimal("price", precision: 6, scale: 2), .uuid("key"), .string("name"), .double("ratio"),
    ])

    /// Two rows covering the formatted types; the second row mostly null.
    static var sampleBatch: ColumnBatch {
        var names = ByteArrayValues()
        names.append(Array("Zoë \"quoted\"\n".utf8))
        names.appendEmpty()
        return ColumnBatch(columns: [
            ColumnData(values: .int64([1, 2])),
            ColumnData(values: .int64([1_795_000_000_123_456, -1]), validity: [true, false]),
            ColumnData(values: .int32([20_417, -1]), validity: [true, false]),
            ColumnData(values: .fixedLenByteArray(FixedLenByteArrayValues(bytes: RandomTable.bigEndian(-1_234_500, width: 9) + Array(repeating: 0, count: 9), width: 9)), validity: [true, false]),
            ColumnData(values: .int32([-5, 0]), validity: [true, false]),
            ColumnData(values: .fixedLenByteArray(FixedLenByteArrayValues(bytes: Array(0..<16) + Array(repeating: 0, count: 16), width: 16)), validity: [true, false]),
            ColumnData(values: .byteArray(names), validity: [true, false]),
            ColumnData(values: .double([.nan, 0.5])),
        ])
    }

    /// The sample, written.
    static func sampleFile() throws -> [UInt8] {
        let sink = MemorySink()
        let writer = try ParquetWriter(schema: sampleSchema, sink: sink, keyValueMetadata: [KeyValue(key: "millrace.schema", value: "3")])
        try writer.append(sampleBatch)
        _ = try writer.close()
        return sink.bytes
    }

    @Test("pyarrow and DuckDB read the sample's values")
    func independentReaders() async throws {
        try await ReaderOracle.check([WrittenFile("inspect sample", bytes: try Self.sampleFile(), schema: Self.sampleSchema, batch: Self.sampleBatch)])
    }

    @Test("the text report shows types, chunk offsets, statistics and formatted rows")
    func text() throws {
        let inspector = ParquetInspector(reader: try ParquetReader(source: MemorySource(try Self.sampleFile())), name: "sample.parquet")
        let text = try inspector.text(rows: 5)
        for expected in [
            "file: sample.parquet", "2 rows, 1 row groups", "millrace.schema = 3",
            "1 at: INT64 OPTIONAL, logical TIMESTAMP(MICROS,UTC), converted TIMESTAMP_MICROS",
            "3 amount: FIXED_LEN_BYTE_ARRAY(9) OPTIONAL, logical DECIMAL(20,5), converted DECIMAL",
            "5 key: FIXED_LEN_BYTE_ARRAY(16) OPTIONAL, logical UUID", "file_offset 4, dictionary_page_offset 4",
            "1 DICTIONARY_PAGE/PLAIN, 1 DATA_PAGE/RLE_DICTIONARY", "statistics: nulls 1, min -12.34500, max -12.34500",
            "first 2 rows:",
            "1 | 2026-11-18T11:06:40.123456Z | 2025-11-25 | -12.34500 | -0.05 | 00010203-0405-0607-0809-0a0b0c0d0e0f | Zoë \"quoted\"\n | nan",
            "2 | null | null | null | null | null | null | 0.5",
        ] {
            #expect(text.contains(expected), "missing: \(expected)\n\(text)")
        }
    }

    @Test("the JSON report parses and keeps types and values")
    func json() throws {
        let inspector = ParquetInspector(reader: try ParquetReader(source: MemorySource(try Self.sampleFile())), name: "sample.parquet")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(try inspector.json(rows: 1).utf8)) as? [String: Any])
        #expect(object["numRows"] as? Int == 2)
        let schema = try #require(object["schema"] as? [[String: Any]])
        #expect(schema[1]["logicalType"] as? String == "TIMESTAMP(MICROS,UTC)" && schema[1]["convertedType"] as? String == "TIMESTAMP_MICROS")
        #expect(schema[3]["precision"] as? Int == 20 && schema[3]["scale"] as? Int == 5 && schema[3]["typeLength"] as? Int == 9)
        let columns = try #require((object["rowGroups"] as? [[String: Any]])?.first?["columns"] as? [[String: Any]])
        #expect(columns[0]["fileOffset"] as? Int == 4 && columns[0]["encodings"] as? [String] == ["PLAIN", "RLE", "RLE_DICTIONARY"])
        #expect((columns[0]["statistics"] as? [String: Any])?["max"] as? Int == 2)
        let rows = try #require(object["firstRows"] as? [[String: Any]])
        #expect(rows.count == 1)
        #expect(rows[0]["amount"] as? String == "-12.34500" && rows[0]["name"] as? String == "Zoë \"quoted\"\n")
        #expect(rows[0]["ratio"] as? String == "nan" && rows[0]["id"] as? Int == 1)
    }

    @Test("millrace inspect prints text and JSON, and fails clearly on a bad file")
    func command() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("sample.parquet").path
        try Data(try Self.sampleFile()).write(to: URL(fileURLWithPath: path))
        let millrace = PackagePaths.builtExecutable("millrace").path
        let text = try await Subprocess.run([millrace, "inspect", path, "--rows", "1"])
        #expect(text.output.contains("first 1 rows:") && text.output.contains("converted DECIMAL"))
        let json = try await Subprocess.run([millrace, "inspect", path, "--json"])
        let object = try JSONSerialization.jsonObject(with: json.stdout) as? [String: Any]
        #expect((object?["firstRows"] as? [Any])?.count == 2)
        let junk = directory.path("junk.parquet").path
        try Data("not parquet at all".utf8).write(to: URL(fileURLWithPath: junk))
        let failure = try await Subprocess.run([millrace, "inspect", junk], check: false)
        #expect(failure.status != 0 && failure.stderr.contains("PAR1"), "\(failure.stderr)")
    }

    @Test("values format as ISO 8601 UTC, calendar dates and exact decimals")
    func formatting() {
        #expect(ValueFormatter.date(days: 0) == "1970-01-01")
        #expect(ValueFormatter.date(days: -1) == "1969-12-31")
        #expect(ValueFormatter.date(days: 19_000) == "2022-01-08")
        #expect(ValueFormatter.date(days: -719_162) == "0001-01-01")
        #expect(ValueFormatter.date(days: 11_016) == "2000-02-29")
        #expect(ValueFormatter.timestamp(-1, unit: .micros) == "1969-12-31T23:59:59.999999Z")
        #expect(ValueFormatter.timestamp(1_000, unit: .millis) == "1970-01-01T00:00:01.000Z")
        #expect(ValueFormatter.timestamp(86_399_999_999_999, unit: .nanos) == "1970-01-01T23:59:59.999999999Z")
        // The ends of the Int64 range format without overflow.
        #expect(ValueFormatter.timestamp(.min, unit: .micros) == "-290308-12-21T19:59:05.224192Z")
        #expect(ValueFormatter.timestamp(.max, unit: .nanos) == "2262-04-11T23:47:16.854775807Z")
        #expect(ValueFormatter.decimal(-5, scale: 3) == "-0.005")
        #expect(ValueFormatter.decimal(12_345, scale: 2) == "123.45")
        #expect(ValueFormatter.decimal(7, scale: 0) == "7")
        #expect(ValueFormatter.decimal(RandomTable.powerOfTen(38) - 1, scale: 38) == "0." + String(repeating: "9", count: 38))
    }
}
