import CDC
import Catalog
import Foundation
import Parquet
import Testing

@Suite("Schema evolution while decoding")
struct EvolutionTests {
    private let confidence = ConnectField(name: "confidence", schema: ConnectSchema(type: .float64))

    @Test("an added optional field adds a nullable column, bumps the version and reports the DDL")
    func addedField() throws {
        let harness = try Harness([FactTable.yaml])
        let evolved = try #require(FactTable.schema(harness, extra: [confidence]))
        let outcome = harness.decode(topic: FactTable.topic, value: Messages.value(evolved, FactTable.payload(1, more: ",\"confidence\":0.75")))
        #expect(Harness.isRow(outcome))
        #expect(harness.decoder.hasSchemaChanges)
        let changes = harness.decoder.takeSchemaChanges()
        #expect(changes.count == 1)
        let change = try #require(changes.first)
        #expect((change.table, change.fromVersion, change.toVersion) == ("facts", 1, 2))
        #expect(change.addedColumns.map(\.name) == ["confidence"])
        #expect(change.ddl(.redshift) == [#"ALTER TABLE "facts" ADD COLUMN "confidence" DOUBLE PRECISION;"#])
        #expect(!harness.decoder.hasSchemaChanges)
        // The runtime copy serialises to the Schemas/ format and joins the registry as v2.
        let reread = try Catalog.definition(yaml: Catalog.yaml(of: change.definition))
        #expect(reread == change.definition)
        #expect(try harness.catalog.adding(version: reread).table("facts")?.current.version == 2)
        let rows = try harness.takeRows("facts")
        #expect(rows.count == 1 && field(rows[0], "confidence") == "0.75")
    }

    @Test("a removed field keeps its column, written as null")
    func removedField() throws {
        let harness = try Harness([FactTable.yaml])
        var schema = try #require(FactTable.schema(harness))
        schema.fields.removeAll { $0.name == "value" }
        let payload = FactTable.payload(1).replacingFirst("\"value\":\"v1\",", with: "")
        #expect(Harness.isRow(harness.decode(topic: FactTable.topic, value: Messages.value(schema, payload))))
        #expect(!harness.decoder.hasSchemaChanges)
        let row = try #require(try harness.takeRows("facts").first)
        #expect(field(row, "value") == "null")
        #expect(field(row, "tenant_id") == "1")
        // A NOT NULL column cannot lose its field.
        schema.fields.removeAll { $0.name == "tenant_id" }
        let letter = Harness.deadLetter(harness.decode(topic: FactTable.topic, value: Messages.value(schema, "{\"entity_id\":1,\"version\":1}")))
        #expect(letter?.reason == .incompatibleSchema)
    }

    @Test("64-bit attribute ids (the seed's) decode with no change; narrowing the field to int32 is refused")
    func sixtyFourBitIDs() throws {
        let harness = try Harness([FactTable.yaml])
        let wide = try #require(FactTable.schema(harness))
        let narrow = try #require(FactTable.schema(harness, replacing: ["attribute_id": ConnectSchema(type: .int32, isOptional: false)]))
        let refused = Harness.deadLetter(harness.decode(topic: FactTable.topic, value: Messages.value(narrow, FactTable.payload(2))))
        #expect(refused?.reason == .incompatibleSchema)
        let payload = FactTable.payload(1).replacingFirst("\"attribute_id\":3", with: "\"attribute_id\":9000000000")
        #expect(Harness.isRow(harness.decode(topic: FactTable.topic, value: Messages.value(wide, payload))))
        #expect(!harness.decoder.hasSchemaChanges)
        #expect(field(try #require(try harness.takeRows("facts").first), "attribute_id") == "9000000000")
    }

    @Test("incompatible changes are dead letters naming both schemas, never coerced", arguments: [
        ("narrowing", "tenant_id", ConnectSchema(type: .int32, isOptional: false), "narrowing"),
        ("string to number", "value", ConnectSchema(type: .int64), "type change"),
        ("number to string", "version", ConnectSchema(type: .string, isOptional: false), "type change"),
        ("decimal scale", "value_decimal", ConnectSchema(type: .bytes, name: ConnectLogicalName.decimal, parameters: ["scale": "2"]), "scale change"),
        ("instant to local", "ingested_at", ConnectSchema(type: .int64, name: ConnectLogicalName.microTimestamp), "type change"),
    ])
    func incompatible(label: String, fieldName: String, replacement: ConnectSchema, fragment: String) throws {
        let harness = try Harness([FactTable.yaml])
        let schema = try #require(FactTable.schema(harness, replacing: [fieldName: replacement]))
        let letter = try #require(Harness.deadLetter(harness.decode(topic: FactTable.topic, value: Messages.value(schema, FactTable.payload(1)))))
        #expect(letter.reason == .incompatibleSchema, "\(label)")
        #expect(letter.message.contains(fragment), "\(letter.message)")
        #expect(letter.message.contains("record schema: {\"type\":\"struct\""))
        #expect(letter.message.contains("table schema: {\"type\":\"struct\""))
        // The verdict is cached: the same schema is refused again without a new change.
        #expect(Harness.deadLetter(harness.decode(topic: FactTable.topic, value: Messages.value(schema, FactTable.payload(2))))?.reason == .incompatibleSchema)
        #expect(!harness.decoder.hasSchemaChanges)
    }

    @Test("a new required field without a default is incompatible; with a default it is added")
    func requiredFields() throws {
        let harness = try Harness([FactTable.yaml])
        let strict = ConnectField(name: "priority", schema: ConnectSchema(type: .int32, isOptional: false))
        let refused = try #require(FactTable.schema(harness, extra: [strict]))
        let letter = Harness.deadLetter(harness.decode(topic: FactTable.topic, value: Messages.value(refused, FactTable.payload(1, more: ",\"priority\":1"))))
        #expect(letter?.reason == .incompatibleSchema)
        #expect(letter?.message.contains("required without a default") == true)
        let defaulted = ConnectField(name: "priority", schema: ConnectSchema(type: .int32, isOptional: false, defaultValue: "0"))
        let accepted = try #require(FactTable.schema(harness, extra: [defaulted]))
        #expect(Harness.isRow(harness.decode(topic: FactTable.topic, value: Messages.value(accepted, FactTable.payload(1, more: ",\"priority\":1")))))
        #expect(harness.decoder.takeSchemaChanges().first?.addedColumns.map(\.type) == [.bigint])
        // The earlier refusal was made against v1; the table has moved on, and now accepts it.
        #expect(Harness.isRow(harness.decode(topic: FactTable.topic, value: Messages.value(refused, FactTable.payload(2, more: ",\"priority\":2")))))
    }

    @Test("interleaved schema versions fill one batch on the superset schema")
    func interleaved() throws {
        let harness = try Harness([FactTable.yaml])
        let old = try #require(FactTable.schema(harness))
        let new = try #require(FactTable.schema(harness, extra: [confidence]))
        let sequence: [(ConnectSchema, String)] = [
            (old, FactTable.payload(1)), (new, FactTable.payload(2, more: ",\"confidence\":0.5")), (old, FactTable.payload(3)),
            (new, FactTable.payload(4, more: ",\"confidence\":0.25")), (old, FactTable.payload(5)),
        ]
        for (schema, payload) in sequence {
            #expect(Harness.isRow(harness.decode(topic: FactTable.topic, value: Messages.value(schema, payload))))
        }
        #expect(harness.decoder.takeSchemaChanges().count == 1)
        let table = try #require(harness.decoder.table(named: "facts"))
        let batch = try harness.decoder.takeBatch(table)
        #expect(batch.rowCount == 5)
        #expect(batch.definition.version == 2)
        #expect(batch.columns.columns.count == batch.schema.fields.count)
        #expect(batch.schema.fields.last?.name == "confidence")
        let rows = (0..<5).map { RowFormatter.json(batch, row: $0) }
        #expect(rows.map { field($0, "confidence") } == ["null", "0.5", "null", "0.25", "null"])
        #expect(rows.map { field($0, "entity_id") } == ["1", "2", "3", "4", "5"])
        // The builders start over on the superset schema.
        #expect(Harness.isRow(harness.decode(topic: FactTable.topic, value: Messages.value(old, FactTable.payload(6)))))
        #expect(try harness.decoder.takeBatch(table).columns.columns.count == batch.columns.columns.count)
    }
}

extension String {
    /// The string with the first occurrence of `target` replaced.
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}
