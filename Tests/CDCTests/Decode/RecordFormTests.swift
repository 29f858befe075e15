import CDC
import Catalog
import Foundation
import Testing

@Suite("Accepted record forms")
struct RecordFormTests {
    /// The envelope schema Debezium writes without ExtractNewRecordState; `extra` fields are
    /// appended to the row (`before`/`after`).
    private func envelopeSchema(_ harness: Harness, extra: [ConnectField] = []) throws -> ConnectSchema {
        let definition = try #require(FactTable.definition(harness))
        var row = definition.connectRowSchema(name: "test.facts.Value")
        row.fields += extra
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

    private let row1 = "{\"tenant_id\":1,\"entity_id\":1,\"version\":4,\"attribute_id\":3,\"value\":\"x\",\"value_decimal\":\"MDk=\",\"ingested_at\":\"2026-11-20T00:00:00Z\"}"

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

    @Test("a field added in the envelope's row evolves the table like an unwrapped one")
    func envelopeEvolution() throws {
        let harness = try Harness([FactTable.yaml])
        let confidence = ConnectField(name: "confidence", schema: ConnectSchema(type: .float64))
        let schema = try envelopeSchema(harness, extra: [confidence])
        let after = String(row1.dropLast()) + ",\"confidence\":0.5}"
        #expect(Harness.isRow(harness.decode(topic: FactTable.topic, value: Messages.value(schema, envelope(before: "null", after: after, op: "u")))))
        let changes = harness.decoder.takeSchemaChanges()
        #expect(changes.map(\.toVersion) == [2] && changes.first?.addedColumns.map(\.name) == ["confidence"])
        // The old envelope schema still decodes, onto the new version; envelope metadata
        // (`source`, `op`, `ts_ms`, `transaction`) never becomes a column.
        #expect(Harness.isRow(harness.decode(topic: FactTable.topic, value: Messages.value(try envelopeSchema(harness), envelope(before: "null", after: row1, op: "c")))))
        #expect(!harness.decoder.hasSchemaChanges)
        let rows = try harness.takeRows("facts")
        #expect(rows.map { field($0, "confidence") } == ["0.5", "null"])
        #expect(rows.map { field($0, "_op") } == ["\"u\"", "\"c\""])
        #expect(try harness.decoder.definition(of: try #require(harness.decoder.table(named: "facts"))).columns.map(\.name).last == "confidence")
    }

    @Test("`\"schema\": null` with a payload decodes against the declaration")
    func nullSchema() throws {
        let harness = try Harness([FactTable.yaml])
        let outcome = harness.decode(topic: FactTable.topic, text: "{\"schema\":null,\"payload\":\(FactTable.payload(5))}")
        guard case .row(_, let operation) = outcome else {
            Issue.record("\(outcome)")
            return
        }
        #expect(operation == .create)
        let row = try #require(try harness.takeRows("facts").first)
        #expect(field(row, "entity_id") == "5" && field(row, "value") == "\"v5\"" && field(row, "value_decimal") == "\"0.12345\"")
        #expect(harness.decoder.schemasParsed == 0)
        // The declaration rules still apply: an undeclared member is a schema mismatch.
        let extra = "{\"schema\":null,\"payload\":\(FactTable.payload(6, more: ",\"surprise\":1"))}"
        #expect(Harness.deadLetter(harness.decode(topic: FactTable.topic, text: extra))?.reason == .schemaMismatch)
    }

    @Test("a broken Connect schema is schema_mismatch, parsed once however often it repeats")
    func brokenSchemaCached() throws {
        let harness = try Harness([FactTable.yaml])
        let broken = "{\"type\":\"struct\",\"fields\":[{\"type\":\"int128\",\"optional\":false,\"field\":\"entity_id\"}],\"optional\":false}"
        for index in 0..<5 {
            let letter = Harness.deadLetter(harness.decode(topic: FactTable.topic, text: "{\"schema\":\(broken),\"payload\":\(FactTable.payload(index))}"))
            #expect(letter?.reason == .schemaMismatch)
            #expect(letter?.message.contains("the Connect schema is invalid") == true, "\(letter?.message ?? "")")
        }
        #expect(harness.decoder.schemasParsed == 1, "the broken schema's verdict is cached by its bytes")
        // Between a good record and the broken one (the cache's `last` entry changes), still once.
        let good = try #require(FactTable.schema(harness))
        #expect(Harness.isRow(harness.decode(topic: FactTable.topic, value: Messages.value(good, FactTable.payload(10)))))
        #expect(Harness.deadLetter(harness.decode(topic: FactTable.topic, text: "{\"schema\":\(broken),\"payload\":\(FactTable.payload(11))}"))?.reason == .schemaMismatch)
        #expect(harness.decoder.schemasParsed == 2)
        #expect(try harness.takeRows("facts").count == 1)
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
        // A change of the `_heartbeat` table in the full envelope, with and without a schema.
        let after = "{\"node_id\":\"debezium\",\"last_heartbeat\":\"2026-11-20T00:00:00Z\"}"
        let change = "{\"before\":null,\"after\":\(after),\"source\":{\"ts_ms\":1},\"op\":\"u\",\"ts_ms\":2}"
        let rowSchema = "{\"type\":\"struct\",\"fields\":[{\"type\":\"string\",\"optional\":false,\"field\":\"node_id\"},"
            + "{\"type\":\"string\",\"optional\":true,\"name\":\"io.debezium.time.ZonedTimestamp\",\"field\":\"last_heartbeat\"}],\"optional\":true}"
        let envelopeSchema = "{\"type\":\"struct\",\"fields\":[\(rowSchema.dropLast()),\"field\":\"before\"},\(rowSchema.dropLast()),\"field\":\"after\"},"
            + "{\"type\":\"string\",\"optional\":false,\"field\":\"op\"}],\"optional\":false,\"name\":\"test._heartbeat.Envelope\"}"
        for text in [change, "{\"schema\":\(envelopeSchema),\"payload\":\(change)}"] {
            guard case .heartbeat(let micros) = harness.decode(topic: "test._heartbeat", text: text) else {
                Issue.record("an enveloped heartbeat must be recognised: \(text)")
                continue
            }
            #expect(micros == expected)
        }
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
