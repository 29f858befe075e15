import CDC
import Catalog
import Parquet
import Testing

/// One Connect type, one edge value: the JSON the connector sends and what the row holds.
struct GoldenCase: CustomStringConvertible, Sendable {
    var column: String
    var json: String
    var expected: String
    var description: String { "\(column) = \(json.prefix(60))" }
}

/// Base64 values below were computed with Python: `base64.b64encode(v.to_bytes(n, 'big', signed=True))`
/// with Java BigInteger.toByteArray's minimal length.
let goldenCases: [GoldenCase] = [
    GoldenCase(column: "c_bool", json: "true", expected: "true"),
    GoldenCase(column: "c_bool", json: "false", expected: "false"),
    GoldenCase(column: "c_int8", json: "-128", expected: "-128"),
    GoldenCase(column: "c_int8", json: "127", expected: "127"),
    GoldenCase(column: "c_int16", json: "-32768", expected: "-32768"),
    GoldenCase(column: "c_int32", json: "2147483647", expected: "2147483647"),
    GoldenCase(column: "c_int64", json: "-9223372036854775808", expected: "-9223372036854775808"),
    GoldenCase(column: "c_int64", json: "9223372036854775807", expected: "9223372036854775807"),
    GoldenCase(column: "c_int64", json: "0", expected: "0"),
    GoldenCase(column: "c_float32", json: "1.5", expected: "1.5"),
    GoldenCase(column: "c_float64", json: "3.141592653589793", expected: "3.141592653589793"),
    GoldenCase(column: "c_float64", json: "-2.5e-300", expected: "-2.5e-300"),
    GoldenCase(column: "c_float64", json: "123456789012345678901234567890", expected: "1.2345678901234568e+29"),
    GoldenCase(column: "c_float64", json: "\"NaN\"", expected: "\"NaN\""),
    GoldenCase(column: "c_float64", json: "\"-Infinity\"", expected: "\"-Infinity\""),
    // 38-digit decimals, negative, zero; stored exactly.
    GoldenCase(column: "c_dec38", json: "\"CUmw9vACMxPESZBQ3jjzTg==\"", expected: "\"1234567890123456789012345678.9012345678\""),
    GoldenCase(column: "c_dec38", json: "\"tMSzV6V5O4X2dd3AAAAAAQ==\"", expected: "\"-9999999999999999999999999999.9999999999\""),
    GoldenCase(column: "c_dec38", json: "\"AA==\"", expected: "\"0.0000000000\""),
    // 18 bytes whose first two only extend the sign.
    GoldenCase(column: "c_dec38", json: "\"AAAAAAAAAAAAAAAAAAAAAAAB\"", expected: "\"0.0000000001\""),
    GoldenCase(column: "c_dec9", json: "\"/2o=\"", expected: "\"-1.50\""),
    GoldenCase(column: "c_dec18", json: "\"AbabS6Yw804=\"", expected: "\"12345678901234.5678\""),
    // decimal.format=NUMERIC: a Decimal as a JSON number.
    GoldenCase(column: "c_dec_numeric", json: "-12.3", expected: "\"-12.30000\""),
    GoldenCase(column: "c_vsd", json: "{\"scale\":3,\"value\":\"MDk=\"}", expected: "\"12.3450000000\""),
    GoldenCase(column: "c_vsd", json: "{\"value\":\"z8c=\",\"scale\":0}", expected: "\"-12345.0000000000\""),
    GoldenCase(column: "c_vsd_text", json: "{\"scale\":3,\"value\":\"z8c=\"}", expected: "\"-12.345\""),
    GoldenCase(column: "c_vsd_text", json: "{\"scale\":5,\"value\":\"MDk=\"}", expected: "\"0.12345\""),
    // decimal.handling.mode=string.
    GoldenCase(column: "c_dec_string", json: "\"-12.5\"", expected: "\"-12.50000\""),
    GoldenCase(column: "c_dec_string", json: "\"1E+3\"", expected: "\"1000.00000\""),
    GoldenCase(column: "c_dec_string", json: "\"0.00010\"", expected: "\"0.00010\""),
    GoldenCase(column: "c_text", json: "\"\"", expected: "\"\""),
    GoldenCase(column: "c_text", json: #""h\u00e9llo \"q\" \\ \n \ud83d\ude00""#, expected: #""héllo \"q\" \\ \n 😀""#),
    GoldenCase(column: "c_text", json: "\"日本語テキスト\"", expected: "\"日本語テキスト\""),
    GoldenCase(column: "c_short", json: "\"0123456789\"", expected: "\"0123456789\""),
    GoldenCase(column: "c_bytes", json: "\"AAEC/w==\"", expected: "\"AAEC/w==\""),
    GoldenCase(column: "c_bytes", json: "\"\"", expected: "\"\""),
    GoldenCase(column: "c_bits", json: "\"AQ8=\"", expected: "\"AQ8=\""),
    // Dates before 1970 and around leap days.
    GoldenCase(column: "c_date", json: "-1", expected: "\"1969-12-31\""),
    GoldenCase(column: "c_date", json: "-719162", expected: "\"0001-01-01\""),
    GoldenCase(column: "c_date", json: "0", expected: "\"1970-01-01\""),
    GoldenCase(column: "c_connect_date", json: "11016", expected: "\"2000-02-29\""),
    GoldenCase(column: "c_time", json: "45296789", expected: "\"12:34:56.789000\""),
    GoldenCase(column: "c_micro_time", json: "86399999999", expected: "\"23:59:59.999999\""),
    GoldenCase(column: "c_micro_time", json: "0", expected: "\"00:00:00.000000\""),
    GoldenCase(column: "c_nano_time", json: "45296789123456", expected: "\"12:34:56.789123\""),
    GoldenCase(column: "c_zoned_time", json: "\"15:13:16.945104Z\"", expected: "\"15:13:16.945104Z\""),
    GoldenCase(column: "c_zoned_time", json: "\"05:30:00+05:45\"", expected: "\"23:45:00.000000Z\""),
    GoldenCase(column: "c_ts", json: "-1", expected: "\"1969-12-31T23:59:59.999000\""),
    GoldenCase(column: "c_ts", json: "1483228799999", expected: "\"2016-12-31T23:59:59.999000\""),
    GoldenCase(column: "c_micro_ts", json: "1483228800000000", expected: "\"2017-01-01T00:00:00.000000\""),
    GoldenCase(column: "c_micro_ts", json: "-62135596800000000", expected: "\"0001-01-01T00:00:00.000000\""),
    GoldenCase(column: "c_nano_ts", json: "1483228799999999999", expected: "\"2016-12-31T23:59:59.999999\""),
    GoldenCase(column: "c_nano_ts", json: "-1", expected: "\"1969-12-31T23:59:59.999999\""),
    GoldenCase(column: "c_connect_ts", json: "0", expected: "\"1970-01-01T00:00:00.000000Z\""),
    // Leap-second-adjacent instants, offsets like +05:45, nanoseconds truncated to micros.
    GoldenCase(column: "c_zoned_ts", json: "\"2016-12-31T23:59:59.999999Z\"", expected: "\"2016-12-31T23:59:59.999999Z\""),
    GoldenCase(column: "c_zoned_ts", json: "\"2016-12-31T23:59:60Z\"", expected: "\"2017-01-01T00:00:00.000000Z\""),
    GoldenCase(column: "c_zoned_ts", json: "\"2017-01-01T00:00:00Z\"", expected: "\"2017-01-01T00:00:00.000000Z\""),
    GoldenCase(column: "c_zoned_ts", json: "\"2026-11-20T17:42:01.5+05:45\"", expected: "\"2026-11-20T11:57:01.500000Z\""),
    GoldenCase(column: "c_zoned_ts", json: "\"1969-07-20T20:17:40-04:00\"", expected: "\"1969-07-21T00:17:40.000000Z\""),
    GoldenCase(column: "c_zoned_ts", json: "\"2026-11-20T00:00:00.123456789Z\"", expected: "\"2026-11-20T00:00:00.123456Z\""),
    GoldenCase(column: "c_zoned_ts", json: "\"-0044-03-15T12:00:00Z\"", expected: "\"-0044-03-15T12:00:00.000000Z\""),
    GoldenCase(column: "c_zoned_ts", json: "\"2026-11-20 08:00:00+0530\"", expected: "\"2026-11-20T02:30:00.000000Z\""),
    GoldenCase(column: "c_json", json: #""{\"a\": [1, 2], \"b\": null}""#, expected: #"{"a": [1, 2], "b": null}"#),
    GoldenCase(column: "c_uuid", json: "\"A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11\"", expected: "\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\""),
    GoldenCase(column: "c_enum", json: "\"b\"", expected: "\"b\""),
    GoldenCase(column: "c_enumset", json: "\"a,b\"", expected: "\"a,b\""),
    GoldenCase(column: "c_array", json: "[1,2,3]", expected: "[1,2,3]"),
    GoldenCase(column: "c_array", json: "[]", expected: "[]"),
    GoldenCase(column: "c_map", json: "{\"k\":\"v\",\"e\":null}", expected: "{\"k\":\"v\",\"e\":null}"),
]

@Suite("Golden values for every Connect type")
struct GoldenTypeTests {
    @Test("decodes", arguments: goldenCases)
    func decodes(golden: GoldenCase) throws {
        let harness = try Harness([GoldenTable.yaml])
        let definition = try #require(harness.catalog.table("golden")?.current)
        let schema = Messages.unwrappedSchema(definition)
        let outcome = harness.decode(topic: GoldenTable.topic, value: Messages.value(schema, "{\"id\":7,\"\(golden.column)\":\(golden.json),\"__op\":\"c\"}"))
        #expect(Harness.isRow(outcome), "\(outcome)")
        let rows = try harness.takeRows("golden")
        #expect(rows.count == 1)
        #expect(field(rows.first ?? "", golden.column) == golden.expected)
        // Every other column is null.
        #expect(field(rows.first ?? "", golden.column == "c_text" ? "c_short" : "c_text") == "null")
    }

    @Test("the same values decode without a schema, from the declaration")
    func schemaless() throws {
        let harness = try Harness([GoldenTable.yaml])
        for golden in goldenCases {
            let outcome = harness.decode(topic: GoldenTable.topic, text: "{\"id\":1,\"\(golden.column)\":\(golden.json)}")
            #expect(Harness.isRow(outcome), "\(golden): \(outcome)")
        }
        let rows = try harness.takeRows("golden")
        #expect(rows.count == goldenCases.count)
        for (row, golden) in zip(rows, goldenCases) {
            #expect(field(row, golden.column) == golden.expected, "\(golden)")
        }
    }

    @Test("a 65 535-byte string fits VARCHAR(65535); one byte more is value_too_long")
    func hugeStrings() throws {
        let harness = try Harness([GoldenTable.yaml])
        let fits = String(repeating: "x", count: 65_535)
        #expect(Harness.isRow(harness.decode(topic: GoldenTable.topic, text: "{\"id\":1,\"c_text\":\"\(fits)\"}")))
        let letter = Harness.deadLetter(harness.decode(topic: GoldenTable.topic, text: "{\"id\":2,\"c_text\":\"\(fits)y\"}"))
        #expect(letter?.reason == .valueTooLong)
        let escaped = String(repeating: "\\u00e9", count: 32_768)  // 65 536 bytes once unescaped
        #expect(Harness.deadLetter(harness.decode(topic: GoldenTable.topic, text: "{\"id\":3,\"c_text\":\"\(escaped)\"}"))?.reason == .valueTooLong)
        let short = Harness.deadLetter(harness.decode(topic: GoldenTable.topic, text: "{\"id\":4,\"c_short\":\"01234567890\"}"))
        #expect(short?.reason == .valueTooLong)
        let rows = try harness.takeRows("golden")
        #expect(rows.count == 1)
        #expect(field(rows[0], "c_text")?.count == 65_537)
    }

    @Test("decimals are stored in Parquet's DECIMAL layouts")
    func decimalStorage() throws {
        let harness = try Harness([GoldenTable.yaml])
        harness.decode(topic: GoldenTable.topic, text: "{\"id\":1,\"c_dec9\":\"/2o=\",\"c_dec18\":\"AbabS6Yw804=\",\"c_dec38\":\"tMSzV6V5O4X2dd3AAAAAAQ==\"}")
        let table = try #require(harness.decoder.table(named: "golden"))
        let batch = try harness.decoder.takeBatch(table)
        func column(_ name: String) throws -> ColumnValues {
            let position = try #require(batch.definition.columnIndex(name))
            let index = try #require(batch.columnPositions.firstIndex(of: position))
            return batch.columns.columns[index].values
        }
        #expect(try column("c_dec9") == .int32([-150]))
        #expect(try column("c_dec18") == .int64([123_456_789_012_345_678]))
        guard case .fixedLenByteArray(let wide) = try column("c_dec38") else {
            Issue.record("DECIMAL(38,10) must be FIXED_LEN_BYTE_ARRAY")
            return
        }
        #expect(wide.width == 16)
        // -(10^38 - 1), big-endian two's complement.
        #expect(wide.bytes == [0xB4, 0xC4, 0xB3, 0x57, 0xA5, 0x79, 0x3B, 0x85, 0xF6, 0x75, 0xDD, 0xC0, 0x00, 0x00, 0x00, 0x01])
        #expect(batch.schema.fields.count == batch.columns.columns.count)
    }
}
