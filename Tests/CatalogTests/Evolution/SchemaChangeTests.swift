import Catalog
import Parquet
import Testing

@Suite("Schema evolution of a definition")
struct SchemaChangeTests {
    @Test("an added optional field becomes a nullable column appended last, in a new version, with its DDL")
    func addsColumn() throws {
        let fact = try #require(try shippedCatalog().table("fact_entity_values")?.current)
        let field = ConnectField(name: "Confidence", schema: ConnectSchema(type: .float64, isOptional: true))
        let change = try fact.addingColumns(for: [field]).get()
        #expect(change.fromVersion == 1)
        #expect(change.toVersion == 2)
        let added = try #require(change.addedColumns.first)
        #expect(added.name == "confidence")
        #expect(added.sourceField == "Confidence")
        #expect(added.type == .double && added.nullable && added.addedIn == 2)
        #expect(change.definition.columns.last == added)
        #expect(change.ddl(.redshift) == [#"ALTER TABLE "fact_entity_values" ADD COLUMN "confidence" DOUBLE PRECISION;"#])
        #expect(change.ddl(.postgres) == [#"ALTER TABLE "fact_entity_values" ADD COLUMN IF NOT EXISTS "confidence" DOUBLE PRECISION;"#])
        // Staging order: the evolved column comes after the enrichment columns.
        #expect(change.definition.stagingSchema.fields.last?.name == "confidence")
        #expect(try shippedCatalog().adding(version: change.definition).table("fact_entity_values")?.versions.count == 2)
    }

    @Test("a required field without a default, a bad name or a clash is refused", arguments: [
        ConnectField(name: "strict", schema: ConnectSchema(type: .int64, isOptional: false)),
        ConnectField(name: "has space", schema: ConnectSchema(type: .int64)),
        ConnectField(name: "_op", schema: ConnectSchema(type: .string)),
        ConnectField(name: "VALUE", schema: ConnectSchema(type: .string)),
        ConnectField(name: "scale_less", schema: ConnectSchema(type: .bytes, name: ConnectLogicalName.decimal)),
    ])
    func refuses(field: ConnectField) throws {
        let fact = try #require(try shippedCatalog().table("fact_entity_values")?.current)
        guard case .failure = fact.addingColumns(for: [field]) else {
            Issue.record("\(field.name) should be refused")
            return
        }
    }

    @Test("a required field with a default is accepted")
    func requiredWithDefault() throws {
        let fact = try #require(try shippedCatalog().table("fact_entity_values")?.current)
        let field = ConnectField(name: "priority", schema: ConnectSchema(type: .int32, isOptional: false, defaultValue: "0"))
        #expect(try fact.addingColumns(for: [field]).get().addedColumns.map(\.type) == [.bigint])
    }
}
