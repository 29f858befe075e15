import Catalog
import Parquet
import Testing

@Suite("The shipped Schemas/ registry")
struct ShippedSchemasTests {
    @Test("loads and validates, with the seed's star schema")
    func loads() throws {
        let catalog = try shippedCatalog()
        #expect(Set(catalog.tables.map(\.name)) == [
            "agg_daily_metrics", "dim_attributes", "dim_entities", "entity_attributes_hot", "fact_entity_values",
        ])
        #expect(Set(catalog.heartbeats.map(\.topic)) == ["__debezium-heartbeat.postgres.eav", "postgres.eav._heartbeat"])
    }

    @Test("fact_entity_values: DISTKEY entity_id, SORTKEY ingested_at, dedup (entity_id, version)")
    func facts() throws {
        let fact = try #require(try shippedCatalog().table("fact_entity_values")?.current)
        #expect(fact.source == .topic(name: "postgres.eav.entity_values_ts", keyColumns: ["entity_id", "version"]))
        #expect(fact.distribution == Distribution(style: .key, key: "entity_id", sortKey: ["ingested_at"]))
        #expect(fact.keys == TableKeys(merge: ["entity_id", "version"], dedup: ["entity_id", "version"], version: "version"))
        #expect(fact.eventTime == "ingested_at")
        #expect(fact.column("value_decimal")?.type == .decimal(precision: 20, scale: 5))
        let enrichment = try #require(fact.column("attribute_name")?.enrichment)
        #expect(enrichment == Enrichment(dimension: "dim_attributes", joinColumn: "attribute_id", dimensionKey: "attribute_id", dimensionColumn: "name"))
    }

    @Test("dimensions are DISTSTYLE ALL; the aggregate sorts on its date")
    func dimensions() throws {
        let catalog = try shippedCatalog()
        #expect(catalog.table("dim_entities")?.current.distribution.style == .all)
        #expect(catalog.table("dim_attributes")?.current.distribution.style == .all)
        #expect(catalog.table("dim_attributes")?.current.source == .snapshot(name: "attributes"))
        #expect(catalog.table("agg_daily_metrics")?.current.distribution.sortKey.first == "metric_date")
        #expect(catalog.table("entity_attributes_hot")?.current.keys.dedup == ["entity_id", "version"])
    }

    @Test("staging layout: system columns, then source, then enrichment; Parquet types as Redshift loads them")
    func stagingLayout() throws {
        let fact = try #require(try shippedCatalog().table("fact_entity_values")?.current)
        let names = fact.stagingSchema.fields.map(\.name)
        #expect(Array(names.prefix(7)) == ["_op", "_deleted", "_lsn", "_source_ts", "_kafka_partition", "_kafka_offset", "_unchanged"])
        let firstEnrichment = try #require(names.firstIndex(of: "entity_type"))
        #expect(names[7..<firstEnrichment].allSatisfy { fact.column($0)?.sourceField != nil })
        #expect(names[firstEnrichment...].allSatisfy { fact.column($0)?.enrichment != nil })
        let schema = fact.stagingSchema
        let sourceTimestamp = schema.fields[3]
        #expect(sourceTimestamp.logicalType == .timestamp(isAdjustedToUTC: true, unit: .micros))
        #expect(!sourceTimestamp.isNullable)
        #expect(schema.fields[2].isNullable)  // _lsn
        // _unchanged: BYTE_ARRAY STRING, nullable (null when every column carries its value).
        #expect(schema.fields[6].physicalType == .byteArray && schema.fields[6].logicalType == .string && schema.fields[6].isNullable)
        #expect(schema.fields[schema.index(of: "entity_id") ?? 0].isNullable == false)  // a Kafka key column
        #expect(schema.fields[schema.index(of: "tenant_id") ?? 0].isNullable)  // deletes carry only the key
        #expect(fact.decodedSchema.fields.map(\.name) == Array(names[..<firstEnrichment]))
        #expect(fact.targetColumns.map(\.name).prefix(2) == ["_lsn", "_source_ts"])
        #expect(!fact.targetColumns.contains { $0.name == "_unchanged" })
    }
}
