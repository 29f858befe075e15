import Catalog

/// A small fact table in the shape of `fact_entity_values`, for evolution and dead-letter tests.
enum FactTable {
    static let topic = "test.facts"

    static let yaml = """
        table: facts
        version: 1
        source: {topic: test.facts, key: [entity_id, version]}
        keys: {merge: [entity_id, version], dedup: [entity_id, version], version: version}
        event_time: ingested_at
        columns:
          - {name: tenant_id, type: bigint, nullable: false}
          - {name: entity_id, type: bigint, nullable: false}
          - {name: version, type: bigint, nullable: false}
          - {name: attribute_id, type: bigint}
          - {name: value, type: varchar}
          - {name: value_decimal, type: "decimal(20,5)"}
          - {name: ingested_at, type: timestamptz}
        """

    static func definition(_ harness: Harness) -> TableDefinition? {
        harness.catalog.table("facts")?.current
    }

    /// The declared unwrapped schema, optionally with fields replaced or added.
    static func schema(_ harness: Harness, extra: [ConnectField] = [], replacing: [String: ConnectSchema] = [:]) -> ConnectSchema? {
        definition(harness).map { Messages.unwrappedSchema($0, extra: extra, replacing: replacing) }
    }

    /// A payload for entity `id`, version `version`, with `more` members appended.
    static func payload(_ id: Int, version: Int = 1, more: String = "") -> String {
        "{\"tenant_id\":1,\"entity_id\":\(id),\"version\":\(version),\"attribute_id\":3,\"value\":\"v\(id)\","
            + "\"value_decimal\":\"MDk=\",\"ingested_at\":\"2026-11-20T00:00:00Z\"\(more),\"__op\":\"c\",\"__ts_ms\":1795132800000,"
            + "\"__lsn\":100,\"__deleted\":\"false\"}"
    }
}
