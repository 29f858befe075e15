import CDC
import Catalog
import Foundation
import Testing

@Suite("Dead letters: one per reason, nothing lost, nothing half-written")
struct DeadLetterTests {
    private func harness(maxMessageBytes: Int = 1 << 20) throws -> Harness {
        var configuration = DecoderConfiguration()
        configuration.maxMessageBytes = maxMessageBytes
        return try Harness([FactTable.yaml], configuration: configuration)
    }

    private func expect(
        _ reason: DeadLetterReason, _ value: String, message fragment: String? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let harness = try harness()
        let letter = Harness.deadLetter(harness.decode(topic: FactTable.topic, text: value), sourceLocation: sourceLocation)
        #expect(letter?.reason == reason, "\(letter?.message ?? "")", sourceLocation: sourceLocation)
        if let fragment {
            #expect(letter?.message.contains(fragment) == true, "\(letter?.message ?? "")", sourceLocation: sourceLocation)
        }
        #expect(harness.decoder.bufferedRowCount(try #require(harness.decoder.table(named: "facts"))) == 0, sourceLocation: sourceLocation)
    }

    @Test("malformed JSON: truncation, garbage, trailing data, nesting beyond the limit")
    func malformed() throws {
        let good = FactTable.payload(1)
        try expect(.malformedJSON, String(good.dropLast(5)), message: "truncated")
        try expect(.malformedJSON, "not json at all")
        try expect(.malformedJSON, good + "}")
        try expect(.malformedJSON, "{\"tenant_id\":01}")
        try expect(.malformedJSON, "")
        let deep = "{\"__x\":" + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "}"
        try expect(.malformedJSON, deep, message: "nesting deeper than 64")
    }

    @Test("invalid UTF-8 and unpaired surrogates")
    func invalidUTF8() throws {
        let harness = try harness()
        var bytes = Array(FactTable.payload(1).utf8)
        let at = try #require(bytes.firstRange(of: Array("\"v1\"".utf8))).lowerBound + 1
        for bad: [UInt8] in [[0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82]] {
            var broken = bytes
            broken.insert(contentsOf: bad, at: at)
            #expect(Harness.deadLetter(harness.decode(topic: FactTable.topic, value: broken))?.reason == .invalidUTF8, "\(bad)")
        }
        bytes = Array(FactTable.payload(1).replacingOccurrences(of: "\"v1\"", with: "\"\\ud800x\"").utf8)
        #expect(Harness.deadLetter(harness.decode(topic: FactTable.topic, value: bytes))?.reason == .invalidUTF8)
    }

    @Test("a payload member its schema does not declare, or a member twice")
    func schemaMismatch() throws {
        let harness = try harness()
        let schema = try #require(FactTable.schema(harness))
        let extra = Messages.value(schema, FactTable.payload(1, more: ",\"surprise\":1"))
        #expect(Harness.deadLetter(harness.decode(topic: FactTable.topic, value: extra))?.reason == .schemaMismatch)
        let twice = Messages.value(schema, FactTable.payload(1, more: ",\"value\":\"again\""))
        #expect(Harness.deadLetter(harness.decode(topic: FactTable.topic, value: twice))?.message.contains("twice") == true)
        let scalar = Messages.value(schema, "42")
        #expect(Harness.deadLetter(harness.decode(topic: FactTable.topic, value: scalar))?.reason == .schemaMismatch)
    }

    @Test("missing required values: key columns, NOT NULL columns, non-optional fields")
    func missingRequired() throws {
        try expect(.missingRequiredField, "{\"tenant_id\":1,\"version\":1}", message: "entity_id")
        try expect(.missingRequiredField, "{\"tenant_id\":null,\"entity_id\":1,\"version\":1}", message: "tenant_id")
        let harness = try harness()
        let strict = try #require(FactTable.schema(harness, replacing: ["value": ConnectSchema(type: .string, isOptional: false)]))
        let letter = Harness.deadLetter(harness.decode(topic: FactTable.topic, value: Messages.value(strict, FactTable.payload(1).replacingOccurrences(of: "\"v1\"", with: "null"))))
        #expect(letter?.reason == .missingRequiredField)
        // A delete needs only its key.
        let delete = "{\"entity_id\":1,\"version\":2,\"__op\":\"d\",\"__deleted\":\"true\"}"
        #expect(Harness.isRow(harness.decode(topic: FactTable.topic, text: delete)))
        #expect(Harness.deadLetter(harness.decode(topic: FactTable.topic, key: nil, value: nil))?.reason == .missingRequiredField)
    }

    @Test("type mismatches: wrong JSON type, out of the Connect width, a fraction for an integer")
    func typeMismatch() throws {
        try expect(.typeMismatch, "{\"tenant_id\":\"1\",\"entity_id\":1,\"version\":1}", message: "tenant_id")
        try expect(.typeMismatch, "{\"tenant_id\":1,\"entity_id\":1,\"version\":1,\"attribute_id\":9223372036854775808}", message: "outside")
        // Beyond the declared Connect width (an int32 field).
        let golden = try Harness([GoldenTable.yaml])
        let wide = Harness.deadLetter(golden.decode(topic: GoldenTable.topic, text: "{\"id\":1,\"c_int32\":2147483648}"))
        #expect(wide?.reason == .typeMismatch && wide?.message.contains("outside") == true, "\(String(describing: wide))")
        try expect(.typeMismatch, "{\"tenant_id\":1,\"entity_id\":1,\"version\":1.5}")
        try expect(.typeMismatch, "{\"tenant_id\":1,\"entity_id\":1,\"version\":1,\"value\":12}")
        try expect(.typeMismatch, "{\"tenant_id\":99999999999999999999,\"entity_id\":1,\"version\":1}")
    }

    @Test("bad base64 and decimal overflow")
    func decimals() throws {
        try expect(.badBase64, FactTable.payload(1).replacingOccurrences(of: "MDk=", with: "M@k="))
        try expect(.badBase64, FactTable.payload(1).replacingOccurrences(of: "MDk=", with: "MD=k"))
        // 10^38 (39 digits at the column's own scale) is a precision overflow, not a scale
        // problem; 10^15 × 10^5 does not fit DECIMAL(20,5).
        try expect(.decimalOverflow, FactTable.payload(1).replacingOccurrences(of: "MDk=", with: "SztMqFqGxHoJiiJAAAAAAA=="), message: "exceeds DECIMAL(20,5)")
        try expect(.decimalOverflow, FactTable.payload(1).replacingOccurrences(of: "\"MDk=\"", with: "1000000000000000.5"))
        try expect(.decimalOverflow, FactTable.payload(1).replacingOccurrences(of: "\"MDk=\"", with: "1.000001"), message: "fractional")
        // 2^136: more than 128 bits (sign-extension bytes alone would be fine).
        try expect(.decimalOverflow, FactTable.payload(1).replacingOccurrences(of: "MDk=", with: "AQAAAAAAAAAAAAAAAAAAAAAA"))
    }

    @Test("unparseable or out-of-range timestamps", arguments: [
        "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-11-20T24:00:00Z", "2026-11-20T00:00:00", "2026-11-20T00:00:00+19:00",
        "2026-11-20", "yesterday", "2026-11-20T00:00:00.1234567890Z", "300000-01-01T00:00:00Z",
    ])
    func badTimestamps(text: String) throws {
        try expect(.badTimestamp, FactTable.payload(1).replacingOccurrences(of: "2026-11-20T00:00:00Z", with: text))
    }

    @Test("an oversized record is refused before parsing")
    func oversized() throws {
        let harness = try harness(maxMessageBytes: 200)
        let letter = Harness.deadLetter(harness.decode(topic: FactTable.topic, key: "{\"entity_id\":1}", text: FactTable.payload(1)))
        #expect(letter?.reason == .oversized)
        #expect(letter?.message.contains("200") == true)
    }

    @Test("an unknown topic keeps its record")
    func unknownTopic() throws {
        let harness = try harness()
        let letter = Harness.deadLetter(harness.decode(topic: "postgres.eav.nobody", key: "{\"k\":1}", text: "{}"))
        #expect(letter?.reason == .unknownTopic)
        #expect(letter?.topic == "postgres.eav.nobody")
        #expect(letter?.key == Array("{\"k\":1}".utf8))
        #expect(letter?.value == Array("{}".utf8))
    }

    @Test("invalid values: a bad UUID, a Json string that is not JSON, U+0000 in text")
    func invalidValues() throws {
        let golden = try Harness([GoldenTable.yaml])
        for payload in ["{\"id\":1,\"c_uuid\":\"not-a-uuid\"}", "{\"id\":1,\"c_json\":\"{oops\"}", "{\"id\":1,\"c_text\":\"a\\u0000b\"}"] {
            #expect(Harness.deadLetter(golden.decode(topic: GoldenTable.topic, text: payload))?.reason == .invalidValue, "\(payload)")
        }
    }

    @Test("an operation other than c, u, d, r")
    func unsupportedOperation() throws {
        try expect(.unsupportedOperation, FactTable.payload(1).replacingOccurrences(of: "\"__op\":\"c\"", with: "\"__op\":\"t\""))
    }

    @Test("a dead letter carries the original bytes and coordinates, and the next record decodes")
    func carriesRecord() throws {
        let harness = try harness()
        let table = try #require(harness.decoder.table(named: "facts"))
        #expect(Harness.isRow(harness.decode(topic: FactTable.topic, text: FactTable.payload(1))))
        // Fails on its last field, after writing the others: everything must be rolled back.
        let broken = FactTable.payload(2).replacingOccurrences(of: "2026-11-20T00:00:00Z", with: "bad")
        let route = harness.decoder.route(forTopic: FactTable.topic)
        let key = Array("{\"entity_id\":2,\"version\":1}".utf8)
        let value = Array(broken.utf8)
        let outcome = key.withUnsafeBytes { keyBytes in
            value.withUnsafeBytes { valueBytes in
                harness.decoder.decode(route: route, partition: 7, offset: 4_242, timestampMs: 1_234, key: keyBytes, value: valueBytes)
            }
        }
        let letter = try #require(Harness.deadLetter(outcome))
        #expect(letter.reason == .badTimestamp)
        #expect(letter.message.contains("ingested_at"))
        #expect((letter.topic, letter.partition, letter.offset, letter.timestampMs) == (FactTable.topic, 7, 4_242, 1_234))
        #expect(letter.key == key && letter.value == value)
        #expect(harness.decoder.bufferedRowCount(table) == 1)
        #expect(Harness.isRow(harness.decode(topic: FactTable.topic, text: FactTable.payload(3))))
        let rows = try harness.takeRows("facts")
        #expect(rows.map { field($0, "entity_id") } == ["1", "3"])
        #expect(rows.map { field($0, "value") } == ["\"v1\"", "\"v3\""])
    }

    @Test("every reason has a stable snake_case code")
    func codes() {
        #expect(DeadLetterReason.all.map(\.description) == [
            "malformed_json", "invalid_utf8", "schema_mismatch", "missing_required_field", "type_mismatch", "bad_base64",
            "decimal_overflow", "bad_timestamp", "oversized", "value_too_long", "invalid_value", "unknown_topic", "incompatible_schema",
            "unsupported_operation", "malformed_csv",
        ])
    }
}
