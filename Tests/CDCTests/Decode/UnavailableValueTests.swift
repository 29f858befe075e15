import CDC
import Catalog
import Testing

/// Unchanged TOASTed values: under REPLICA IDENTITY DEFAULT an update that leaves a TOASTed
/// column alone carries Debezium's `unavailable.value.placeholder` instead of its value
/// (debezium/debezium `documentation/modules/ROOT/pages/connectors/postgresql.adoc`, "Toasted
/// values"), in a form per column type (`UnchangedToastedPlaceholder.java`,
/// `PostgresValueConverter.java`; pinned by `RecordsStreamProducerIT.shouldHandleToasted*` with
/// the values of `DecoderDifferences.java`). The column is staged as unchanged: null, and named in
/// `_unchanged`; the update's other columns stay.
@Suite("Unchanged TOASTed values")
struct UnavailableValueTests {
    /// A table shaped like entity_jsonb, plus one column per placeholder form.
    static let yaml = """
        table: toasted
        version: 1
        source: {topic: test.toasted, key: [id]}
        keys: {merge: [id], dedup: [id]}
        columns:
          - {name: id, type: bigint, nullable: false, connect: {type: int32}}
          - {name: not_toast, type: bigint, connect: {type: int32}}
          - {name: name, type: varchar}
          - {name: mandatory_text, type: varchar, nullable: false}
          - {name: attributes, type: json}
          - {name: bytea_, type: bytes}
          - {name: bytea_hex, type: bytes, connect: {type: string, parameters: {binary.handling.mode: hex}}}
          - {name: text_array, type: json, connect: {type: array, items: {type: string}}}
          - {name: int_array, type: json, connect: {type: array, items: {type: int32}}}
          - {name: bigint_array, type: json, connect: {type: array, items: {type: int64}}}
          - {name: date_array, type: json, connect: {type: array, items: {type: int32, name: io.debezium.time.Date, version: 1}}}
          - {name: bytea_array, type: json, connect: {type: array, items: {type: bytes}}}
          - {name: uuid_array, type: json, connect: {type: array, items: {type: string, name: io.debezium.data.Uuid, version: 1}}}
          - {name: json_array, type: json, connect: {type: array, items: {type: string, name: io.debezium.data.Json, version: 1}}}
          - {name: hstore_map, type: json, connect: {type: map, keys: {type: string, optional: false}, values: {type: string}}}
          - {name: hstore_json, type: json}
        """
    static let topic = "test.toasted"
    static let placeholder = "\"__debezium_unavailable_value\""
    /// `DecoderDifferences.TOASTED_VALUE_NUMBER_STRING`: the placeholder's bytes as numbers.
    static let numbers = "[95,95,100,101,98,101,122,105,117,109,95,117,110,97,118,97,105,108,97,98,108,101,95,118,97,108,117,101]"

    private func decode(_ harness: Harness, _ payload: String) -> DecodeOutcome {
        harness.decode(topic: Self.topic, key: "{\"id\":1}", text: payload)
    }

    @Test("an entity_jsonb-style update whose jsonb is unchanged keeps its other columns and names the column in _unchanged")
    func jsonbUnchanged() throws {
        let harness = try Harness([Self.yaml])
        let outcome = decode(harness, "{\"id\":1,\"not_toast\":2,\"name\":\"n\",\"mandatory_text\":\"m\",\"attributes\":\(Self.placeholder),\"__op\":\"u\"}")
        #expect(Harness.isRow(outcome), "\(outcome)")
        let row = try #require(try harness.takeRows("toasted").first)
        #expect(field(row, "attributes") == "null")
        #expect(field(row, "not_toast") == "2")
        #expect(field(row, "name") == "\"n\"")
        #expect(field(row, "_unchanged") == "\"attributes\"")
    }

    @Test("several unchanged columns are named in staging order, whatever the payload's order; a NOT NULL one is no missing value")
    func severalInStagingOrder() throws {
        let harness = try Harness([Self.yaml])
        let outcome = decode(
            harness,
            "{\"attributes\":\(Self.placeholder),\"mandatory_text\":\(Self.placeholder),\"id\":1,\"name\":\(Self.placeholder),\"__op\":\"u\"}")
        #expect(Harness.isRow(outcome), "\(outcome)")
        let row = try #require(try harness.takeRows("toasted").first)
        #expect(field(row, "_unchanged") == "\"name,mandatory_text,attributes\"")
        #expect(field(row, "mandatory_text") == "null")
    }

    @Test("every form of the placeholder is recognised in its column type", arguments: [
        ("name", placeholder),  // convertString
        ("attributes", placeholder),  // Json: convertString
        ("bytea_", "\"X19kZWJleml1bV91bmF2YWlsYWJsZV92YWx1ZQ==\""),  // bytes mode: the placeholder's bytes, base64 in JSON
        ("bytea_hex", placeholder),  // hex mode: convertBinaryToHex returns the string itself
        ("text_array", "[\(placeholder)]"),  // UNCHANGED_TEXT_ARRAY_TOAST_VALUE
        ("json_array", "[\(placeholder)]"),  // json[] and jsonb[] share it
        ("int_array", numbers),  // UNCHANGED_INT_ARRAY_TOAST_VALUE
        ("date_array", numbers),  // date[] too
        ("bigint_array", numbers),  // UNCHANGED_BIGINT_ARRAY_TOAST_VALUE
        ("bytea_array", "[\"X19kZWJleml1bV91bmF2YWlsYWJsZV92YWx1ZQ==\"]"),  // UNCHANGED_BINARY_ARRAY_TOAST_VALUE
        ("uuid_array", "[\"b68a35a7-17ad-35b3-af2a-ae46edb4545a\"]"),  // DecoderDifferences.TOASTED_VALUE_UUID_STRING
        ("hstore_map", "{\(placeholder):\(placeholder)}"),  // hstore.handling.mode=map
        ("hstore_json", #""{\"__debezium_unavailable_value\":\"__debezium_unavailable_value\"}""#),  // hstore.handling.mode=json
    ])
    func forms(column: String, json: String) throws {
        let harness = try Harness([Self.yaml])
        let outcome = decode(harness, "{\"id\":1,\"mandatory_text\":\"m\",\"\(column)\":\(json),\"__op\":\"u\"}")
        #expect(Harness.isRow(outcome), "\(outcome)")
        let row = try #require(try harness.takeRows("toasted").first)
        #expect(field(row, column) == "null")
        #expect(field(row, "_unchanged") == "\"\(column)\"")
    }

    @Test("a value that merely resembles the placeholder is a value; a row without placeholders has a null _unchanged")
    func resemblances() throws {
        let harness = try Harness([Self.yaml])
        let payloads = [
            "{\"id\":1,\"mandatory_text\":\"m\",\"name\":\"__debezium_unavailable_value2\",\"__op\":\"u\"}",
            "{\"id\":1,\"mandatory_text\":\"m\",\"text_array\":[\"__debezium_unavailable_value\",\"x\"],\"__op\":\"u\"}",
            "{\"id\":1,\"mandatory_text\":\"m\",\"attributes\":\"{\\\"__debezium_unavailable_value\\\":1}\",\"__op\":\"u\"}",
        ]
        for payload in payloads { #expect(Harness.isRow(decode(harness, payload)), "\(payload)") }
        for row in try harness.takeRows("toasted") {
            #expect(field(row, "_unchanged") == "null", "\(row)")
        }
    }

    @Test("a delete's _unchanged is null; its unchanged columns carry nothing to keep")
    func deletes() throws {
        let harness = try Harness([Self.yaml])
        #expect(Harness.isRow(decode(harness, "{\"id\":1,\"attributes\":\(Self.placeholder),\"__op\":\"d\",\"__deleted\":\"true\"}")))
        #expect(field(try #require(try harness.takeRows("toasted").first), "_unchanged") == "null")
    }

    @Test("the placeholder is configurable like unavailable.value.placeholder, `hex:` bytes included; the default then is a value")
    func configured() throws {
        var configuration = DecoderConfiguration()
        configuration.unavailableValuePlaceholder = "hex:2a746f6173742a"  // "*toast*"
        let harness = try Harness([Self.yaml], configuration: configuration)
        #expect(Harness.isRow(decode(harness, "{\"id\":1,\"mandatory_text\":\"m\",\"name\":\"*toast*\",\"bytea_\":\"KnRvYXN0Kg==\",\"__op\":\"u\"}")))
        #expect(Harness.isRow(decode(harness, "{\"id\":1,\"mandatory_text\":\"m\",\"name\":\(Self.placeholder),\"__op\":\"u\"}")))
        let rows = try harness.takeRows("toasted")
        #expect(field(rows[0], "_unchanged") == "\"name,bytea_\"")
        #expect(field(rows[1], "_unchanged") == "null" && field(rows[1], "name") == Self.placeholder)
        for bad in ["", "hex:", "hex:abc", "hex:zz"] {
            configuration.unavailableValuePlaceholder = bad
            #expect(throws: CDCError.self) { try ChangeDecoder(catalog: harness.catalog, configuration: configuration) }
        }
    }

    @Test("with a Connect schema (the envelope as Debezium writes it) the placeholder is recognised in `after`")
    func envelope() throws {
        let harness = try Harness([Self.yaml])
        let definition = try #require(harness.catalog.table("toasted")?.current)
        var row = definition.connectRowSchema(name: "test.toasted.Value")
        row.isOptional = true
        let envelope = ConnectSchema(
            type: .struct, name: "test.toasted.Envelope", isOptional: false,
            fields: [
                ConnectField(name: "before", schema: row), ConnectField(name: "after", schema: row),
                ConnectField(name: "op", schema: ConnectSchema(type: .string, isOptional: false)),
                ConnectField(name: "ts_ms", schema: ConnectSchema(type: .int64)),
            ])
        let payload = "{\"before\":null,\"after\":{\"id\":1,\"not_toast\":2,\"mandatory_text\":\(Self.placeholder),\"attributes\":\(Self.placeholder)},\"op\":\"u\",\"ts_ms\":5}"
        let outcome = harness.decode(topic: Self.topic, key: "{\"id\":1}", value: Messages.value(envelope, payload))
        #expect(Harness.isRow(outcome), "\(outcome)")
        #expect(field(try #require(try harness.takeRows("toasted").first), "_unchanged") == "\"mandatory_text,attributes\"")
    }
}
