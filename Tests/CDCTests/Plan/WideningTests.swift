import CDC
import Catalog
import Testing

/// One field of the golden table arriving with a wider (or narrower) Connect encoding than it
/// declares, and the value it must decode to.
struct WideningCase: CustomStringConvertible, Sendable {
    var column: String
    var observed: ConnectSchema
    var json: String
    var expected: String
    var description: String { "\(column) as \(observed.summary)" }
}

/// The evolution policy's widening rules, decoded end to end (docs/CDC.md, "Schema evolution
/// policy"): wider integers and floats, finer time units and more decimal digits (up to the
/// column's) are accepted without a schema change; narrowing is refused.
@Suite("Widening and narrowing while decoding")
struct WideningTests {
    static let cases: [WideningCase] = [
        // 0.1 is not a float32: the float64 value must arrive whole.
        WideningCase(column: "c_float32", observed: ConnectSchema(type: .float64), json: "0.1", expected: "0.1"),
        WideningCase(column: "c_int8", observed: ConnectSchema(type: .int64), json: "9000000000", expected: "9000000000"),
        WideningCase(column: "c_int16", observed: ConnectSchema(type: .int64), json: "-9000000000", expected: "-9000000000"),
        WideningCase(column: "c_int8", observed: ConnectSchema(type: .int16), json: "-32768", expected: "-32768"),
        // Time (ms, int32) → MicroTime (int64): the microseconds survive.
        WideningCase(
            column: "c_time", observed: ConnectSchema(type: .int64, name: ConnectLogicalName.microTime), json: "45296789123",
            expected: "\"12:34:56.789123\""
        ),
        WideningCase(
            column: "c_micro_time", observed: ConnectSchema(type: .int64, name: ConnectLogicalName.nanoTime), json: "45296789123456",
            expected: "\"12:34:56.789123\""
        ),
        // Timestamp (ms) → MicroTimestamp → NanoTimestamp.
        WideningCase(
            column: "c_ts", observed: ConnectSchema(type: .int64, name: ConnectLogicalName.microTimestamp), json: "1483228799999999",
            expected: "\"2016-12-31T23:59:59.999999\""
        ),
        WideningCase(
            column: "c_ts", observed: ConnectSchema(type: .int64, name: ConnectLogicalName.nanoTimestamp), json: "1483228799999999999",
            expected: "\"2016-12-31T23:59:59.999999\""
        ),
    ]

    @Test("a wider encoding decodes exactly, with no schema change", arguments: cases)
    func widening(widening: WideningCase) throws {
        let harness = try Harness([GoldenTable.yaml])
        let definition = try #require(harness.catalog.table("golden")?.current)
        let schema = Messages.unwrappedSchema(definition, replacing: [widening.column: widening.observed])
        let outcome = harness.decode(topic: GoldenTable.topic, value: Messages.value(schema, "{\"id\":7,\"\(widening.column)\":\(widening.json),\"__op\":\"c\"}"))
        #expect(Harness.isRow(outcome), "\(outcome)")
        #expect(!harness.decoder.hasSchemaChanges)
        #expect(field(try #require(try harness.takeRows("golden").first), widening.column) == widening.expected)
    }

    @Test("narrowing is refused: float64 to float32, int64 to int32, a coarser time unit", arguments: [
        ("c_float64", ConnectSchema(type: .float32), "narrowing from double to float"),
        ("c_int64", ConnectSchema(type: .int32), "narrowing from int64 to int32"),
        ("c_micro_ts", ConnectSchema(type: .int64, name: ConnectLogicalName.timestamp), "precision narrowing"),
    ])
    func narrowing(column: String, observed: ConnectSchema, fragment: String) throws {
        let harness = try Harness([GoldenTable.yaml])
        let definition = try #require(harness.catalog.table("golden")?.current)
        let schema = Messages.unwrappedSchema(definition, replacing: [column: observed])
        let letter = Harness.deadLetter(harness.decode(topic: GoldenTable.topic, value: Messages.value(schema, "{\"id\":7,\"\(column)\":1,\"__op\":\"c\"}")))
        #expect(letter?.reason == .incompatibleSchema)
        #expect(letter?.message.contains(fragment) == true, "\(letter?.message ?? "")")
        #expect(letter?.message.contains("record schema: {") == true && letter?.message.contains("table schema: {") == true)
    }

    /// `amount` is decimal(20,5) but declared as Debezium sends it today: 12 digits. `ratio` is
    /// a decimal column fed by `decimal.handling.mode=double`.
    static let amounts = """
        table: amounts
        version: 1
        source: {topic: test.amounts, key: [id]}
        keys: {merge: [id]}
        columns:
          - {name: id, type: bigint, nullable: false}
          - {name: amount, type: "decimal(20,5)", connect: {type: bytes, name: org.apache.kafka.connect.data.Decimal, version: 1, parameters: {scale: "5", connect.decimal.precision: "12"}}}
          - {name: ratio, type: "decimal(20,5)", connect: {type: double}}
        """

    /// The declared schema with `amount` at `precision` digits.
    private func amountSchema(_ harness: Harness, precision: Int) throws -> ConnectSchema {
        let definition = try #require(harness.catalog.table("amounts")?.current)
        let decimal = ConnectSchema(
            type: .bytes, name: ConnectLogicalName.decimal, version: 1, parameters: ["scale": "5", "connect.decimal.precision": String(precision)]
        )
        return Messages.unwrappedSchema(definition, replacing: ["amount": decimal])
    }

    @Test("a decimal's precision may grow up to the column's, not beyond")
    func decimalPrecision() throws {
        let harness = try Harness([Self.amounts])
        // 1234567890123456 at scale 5: 16 digits, more than the declared 12, within the column's 20.
        for precision in [16, 20] {
            let outcome = harness.decode(
                topic: "test.amounts", value: Messages.value(try amountSchema(harness, precision: precision), "{\"id\":\(precision),\"amount\":\"BGLVPIq6wA==\"}")
            )
            #expect(Harness.isRow(outcome), "precision \(precision): \(outcome)")
        }
        #expect(try harness.takeRows("amounts").map { field($0, "amount") } == ["\"12345678901.23456\"", "\"12345678901.23456\""])
        // 22 digits: the column cannot hold every value of that schema, so the schema is refused,
        // naming both schemas, even for a small value (never a decimal_overflow later).
        let letter = Harness.deadLetter(
            harness.decode(topic: "test.amounts", value: Messages.value(try amountSchema(harness, precision: 22), "{\"id\":3,\"amount\":\"MDk=\"}"))
        )
        #expect(letter?.reason == .incompatibleSchema)
        #expect(letter?.message.contains("decimal precision 22 exceeds the column's decimal(20,5)") == true, "\(letter?.message ?? "")")
        #expect(letter?.message.contains("\"connect.decimal.precision\":\"22\"") == true, "the record's schema")
        #expect(letter?.message.contains("\"connect.decimal.precision\":\"12\"") == true, "the table's schema")
        #expect(!harness.decoder.hasSchemaChanges)
    }

    @Test("decimal.handling.mode=double feeds a decimal column exactly, with a schema or without")
    func decimalAsDouble() throws {
        let harness = try Harness([Self.amounts])
        let definition = try #require(harness.catalog.table("amounts")?.current)
        let schema = Messages.unwrappedSchema(definition)
        for (index, json) in ["12.5", "1e3", "-0.00001", "0.1"].enumerated() {
            #expect(Harness.isRow(harness.decode(topic: "test.amounts", value: Messages.value(schema, "{\"id\":\(index),\"ratio\":\(json)}"))))
        }
        #expect(Harness.isRow(harness.decode(topic: "test.amounts", text: "{\"id\":9,\"ratio\":2.25}")))
        #expect(try harness.takeRows("amounts").map { field($0, "ratio") } == [
            "\"12.50000\"", "\"1000.00000\"", "\"-0.00001\"", "\"0.10000\"", "\"2.25000\"",
        ])
        let letter = Harness.deadLetter(harness.decode(topic: "test.amounts", value: Messages.value(schema, "{\"id\":1,\"ratio\":1.000001}")))
        #expect(letter?.reason == .decimalOverflow && letter?.message.contains("fractional") == true, "\(letter?.message ?? "")")
        #expect(Harness.deadLetter(harness.decode(topic: "test.amounts", value: Messages.value(schema, "{\"id\":1,\"ratio\":\"x\"}")))?.reason == .typeMismatch)
    }
}
