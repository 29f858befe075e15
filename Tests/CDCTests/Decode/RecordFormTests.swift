import CDC
import Catalog
import Foundation
import Testing

@Suite("Accepted record forms")
struct RecordFormTests {
    /// The envelope schema Debezium writes without ExtractNewRecordState.
    private func envelopeSchema(_ harness: Harness) throws -> ConnectSchema {
        let definition = try #require(FactTable.definition(harness))
        let row = definition.connectRowSchema(name: "test.facts.Value")
        var before = row
        before.isOptional = true
        let source = ConnectSchema(
            type: .struct, name: "io.debezium.connector.postgresql.Source", isOptional: false,
            fields: [
                ConnectField(name: "version", schema: ConnectSchema(type: .string, isOptional: false)),
                ConnectField(name: "ts_ms", schema: ConnectSchema(type: .int64, isOptional: false)),
                ConnectField(name: "db", schema: ConnectSchema(type: .string, isOptional: false)),
                ConnectField(name: "lsn", schema: ConnectSchema(type: .int64)),
            ]
        )
        return ConnectSchema(
            type: .struct, name: "test.facts.Envelope", isOptional: false,
            fields: [
                ConnectField(name: "before", schema: before), ConnectField(name: "after", schema: before),
                ConnectField(name: "source", schema: source), ConnectField(name: "op", schema: ConnectSchema(type: .string, isOptional: false)),
                ConnectField(name: "ts_ms", schema: ConnectSchema(type: .int64)),
                ConnectField(name: "transaction", schema: ConnectSchema(type: .struct, isOptional: true)),
            ]
        )
    }

    private let row1 = "{\"tenant_id\":1,\"entity_id\":1,\"version\":4,\"attribute_id\":3,\"value\":\"x\",\"value_decimal\":\"MDk=\",\"recorded_at\":\"2026-11-20T00:00:00Z\"}"

    private func envelope(before: String, after: String, op: String) -> String {
        "{\"before\":\(before),\"after\":\(after),\"source\":{\"version\":\"2.4.0\",\"ts_ms\":1795132800123,\"db\":\"eav_db\",\"lsn\":987654321},"
            + "\"op\":\"\(op)\",\"ts_ms\":1795132800456,\"transaction\":null}"
    }

    @Test("the full envelope, with a schema: source.ts_ms and source.lsn become _source_ts and _lsn")
    func envelopeWithSchema() throws {
        let harness = try Harness([FactTable.yaml])
        let schema = try envelopeSchema(harness)
        let insert = harness.decode(topic: FactTable.topic, value: Messages.value(schema, envelope(before: "null", after: row1, op: "c")))
        let delete = harness.decode(topic: FactTable.topic, value: Messages.value(schema, envelope(before: row1, after: "null", op: "d")))
        guard case .row(_, let insertOp) = insert, case .row(_, let deleteOp) = delete else {
            Issue.record("\(insert) \(delete)")
            return
        }
        #expect(insertOp == .create && deleteOp == .delete)
        let rows = try harness.takeRows("facts")
        #expect(rows.map { field($0, "_op") } == ["\"c\"", "\"d\""])
        #expect(rows.map { field($0, "_deleted") } == ["false", "true"])
        #expect(rows.allSatisfy { field($0, "_lsn") == "987654321" })
        #expect(rows.allSatisfy { field($0, "_source_ts") == "\"2026-11-20T00:00:00.123000Z\"" })
        #expect(rows.map { field($0, "version") } == ["4", "4"], "a delete's row comes from `before`")
        #expect(!harness.decoder.hasSchemaChanges, "envelope metadata is not a column")
    }

    @Test("the full envelope without a schema")
    func envelopeSchemaless() throws {
        let harness = try Harness([FactTable.yaml])
        #expect(Harness.isRow(harness.decode(topic: FactTable.topic, text: envelope(before: "null", after: row1, op: "r"))))
        let row = try #require(try harness.takeRows("facts").first)
        #expect(field(row, "_op") == "\"r\"")
        #expect(field(row, "value") == "\"x\"")
    }

    @Test("the unwrapped form: rewrite deletes, a missing __op, __ts_ms as the source time")
    func unwrapped() throws {
        let harness = try Harness([FactTable.yaml])
        let schema = try #require(FactTable.schema(harness))
        harness.decode(topic: FactTable.topic, value: Messages.value(schema, FactTable.payload(1)))
        harness.decode(topic: FactTable.topic, text: "{\"entity_id\":1,\"version\":1,\"__deleted\":\"true\"}")
        harness.decode(topic: FactTable.topic, text: "{\"tenant_id\":2,\"entity_id\":2,\"version\":1}")
        let rows = try harness.takeRows("facts")
        #expect(rows.map { field($0, "_op") } == ["\"c\"", "\"d\"", "\"u\""])
        #expect(field(rows[0], "_source_ts") == "\"2026-11-20T00:00:00.000000Z\"")
        #expect(field(rows[0], "_lsn") == "100")
        #expect(field(rows[2], "_source_ts") == "\"1970-01-01T00:00:01.000000Z\"", "falls back to the Kafka timestamp")
        #expect(field(rows[2], "_lsn") == "null")
    }

    @Test("a wrapper whose members come in another order, and whitespace anywhere")
    func reordered() throws {
        let harness = try Harness([FactTable.yaml])
        let schema = try #require(FactTable.schema(harness))
        let value = " {\n \"payload\" : \(FactTable.payload(1)) ,\n \"schema\" : \(schema.jsonText) \n}\n"
        #expect(Harness.isRow(harness.decode(topic: FactTable.topic, text: value)))
        #expect(field(try #require(try harness.takeRows("facts").first), "value") == "\"v1\"")
    }

    @Test("tombstones become deletes of the key, in every key form")
    func tombstones() throws {
        let harness = try Harness([FactTable.yaml])
        let schemaKey = "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":\"int64\",\"optional\":false,\"field\":\"entity_id\"},"
            + "{\"type\":\"int64\",\"optional\":false,\"field\":\"version\"}],\"optional\":false},\"payload\":{\"entity_id\":3,\"version\":9}}"
        let outcomes = [
            harness.decode(topic: FactTable.topic, key: "{\"entity_id\":1,\"version\":7}", value: nil),
            harness.decode(topic: FactTable.topic, key: schemaKey, value: nil),
            harness.decode(topic: FactTable.topic, key: "{\"version\":8,\"entity_id\":2}", text: "null"),
            harness.decode(topic: FactTable.topic, key: "{\"entity_id\":4,\"version\":1}", text: "{\"schema\":null,\"payload\":null}"),
        ]
        #expect(outcomes.allSatisfy { if case .row(_, .delete) = $0 { true } else { false } }, "\(outcomes)")
        let rows = try harness.takeRows("facts")
        #expect(rows.map { field($0, "entity_id") } == ["1", "3", "2", "4"])
        #expect(rows.map { field($0, "version") } == ["7", "9", "8", "1"])
        #expect(rows.allSatisfy { field($0, "tenant_id") == "null" && field($0, "_deleted") == "true" })
        #expect(Harness.deadLetter(harness.decode(topic: FactTable.topic, key: "{\"entity_id\":1}", value: nil))?.reason == .missingRequiredField)
        #expect(Harness.deadLetter(harness.decode(topic: FactTable.topic, key: "{\"entity_id\":1,\"version\":2,\"x\":1}", value: nil))?.reason == .schemaMismatch)
    }

    @Test("a one-column key may be a bare scalar")
    func scalarKey() throws {
        let yaml = "table: single\nversion: 1\nsource: {topic: test.single, key: [id]}\nkeys: {merge: [id]}\ncolumns:\n  - {name: id, type: bigint, nullable: false}"
        let harness = try Harness([yaml])
        #expect(Harness.isRow(harness.decode(topic: "test.single", key: "42", value: nil)))
        #expect(field(try #require(try harness.takeRows("single").first), "id") == "42")
    }

    @Test("heartbeats yield the source time and append no row")
    func heartbeats() throws {
        let harness = try Harness(
            [FactTable.yaml],
            heartbeats: [HeartbeatSource(topic: "__debezium-heartbeat.test", field: "ts_ms"), HeartbeatSource(topic: "test._heartbeat", field: "last_heartbeat")]
        )
        let debezium = "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":\"int64\",\"optional\":false,\"field\":\"ts_ms\"}],"
            + "\"optional\":false,\"name\":\"io.debezium.connector.common.Heartbeat\"},\"payload\":{\"ts_ms\":1795132800000}}"
        let table = "{\"node_id\":\"debezium\",\"last_heartbeat\":\"2026-11-20T05:45:00+05:45\",\"__op\":\"u\"}"
        let expected: Int64 = 1_795_132_800_000_000
        guard case .heartbeat(let first) = harness.decode(topic: "__debezium-heartbeat.test", text: debezium),
            case .heartbeat(let second) = harness.decode(topic: "test._heartbeat", text: table),
            case .heartbeat(let third) = harness.decode(topic: "test._heartbeat", key: "{\"node_id\":\"debezium\"}", value: nil)
        else {
            Issue.record("heartbeats must be recognised")
            return
        }
        #expect(first == expected && second == expected && third == nil)
        #expect(Harness.deadLetter(harness.decode(topic: "test._heartbeat", text: "{\"node_id\":\"x\"}"))?.reason == .missingRequiredField)
        #expect(harness.decoder.bufferedRowCount(try #require(harness.decoder.table(named: "facts"))) == 0)
    }

    @Test("an identical schema is parsed once; alternating schemas are each parsed once")
    func schemaCache() throws {
        let harness = try Harness([FactTable.yaml])
        let old = try #require(FactTable.schema(harness))
        let new = try #require(FactTable.schema(harness, extra: [ConnectField(name: "confidence", schema: ConnectSchema(type: .float64))]))
        for index in 0..<50 {
            let schema = index % 2 == 0 ? old : new
            #expect(Harness.isRow(harness.decode(topic: FactTable.topic, value: Messages.value(schema, FactTable.payload(index)))))
        }
        #expect(harness.decoder.schemasParsed == 2)
        #expect(try harness.takeRows("facts").count == 50)
    }

    @Test("the cache is bounded: past its limit it starts over and still decodes")
    func boundedCache() throws {
        var configuration = DecoderConfiguration()
        configuration.maxCachedSchemas = 2
        let harness = try Harness([FactTable.yaml], configuration: configuration)
        let base = try #require(FactTable.schema(harness))
        for index in 0..<6 {
            var schema = base
            schema.version = index
            #expect(Harness.isRow(harness.decode(topic: FactTable.topic, value: Messages.value(schema, FactTable.payload(index)))))
        }
        #expect(harness.decoder.schemasParsed == 6)
        #expect(try harness.takeRows("facts").count == 6)
    }
}
