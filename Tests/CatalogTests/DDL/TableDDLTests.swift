import Catalog
import Foundation
import MillraceTesting
import Testing

@Suite("DDL")
struct TableDDLTests {
    @Test("Redshift DDL carries DISTSTYLE, DISTKEY and SORTKEY")
    func redshift() throws {
        let sql = try shippedCatalog().createTablesSQL(.redshift)
        #expect(sql.contains("CREATE TABLE IF NOT EXISTS \"fact_entity_values\""))
        #expect(sql.contains("DISTSTYLE KEY\nDISTKEY (\"entity_id\")\nCOMPOUND SORTKEY (\"ingested_at\");"))
        #expect(sql.contains("CREATE TABLE IF NOT EXISTS \"dim_entities\""))
        #expect(sql.contains("DISTSTYLE ALL"))
        #expect(sql.contains("\"value_decimal\" DECIMAL(20,5)"))
        #expect(!sql.contains("_kafka_offset") && !sql.contains("_unchanged"), "staging-only columns stay out of the target tables")
        let fact0 = try #require(try shippedCatalog().table("fact_entity_values")?.current)
        #expect(fact0.stagingTableSQL(named: "s", dialect: .redshift).contains("\"_kafka_offset\" BIGINT,\n    \"_unchanged\" VARCHAR(65535),"))
        // Dimensions first.
        let dimension = try #require(sql.range(of: "\"dim_entities\""))
        let fact = try #require(sql.range(of: "\"fact_entity_values\""))
        #expect(dimension.lowerBound < fact.lowerBound)
    }

    @Test("PostgreSQL DDL, staging tables and ADD COLUMN run on a real PostgreSQL server")
    func postgres() async throws {
        let servers = try TestServers.require()
        let catalog = try shippedCatalog()
        let schema = "ddl_\(UInt32.random(in: 0...UInt32.max))"
        let fact = try #require(catalog.table("fact_entity_values")?.current)
        let change = try fact.addingColumns(for: [ConnectField(name: "confidence", schema: ConnectSchema(type: .float64))]).get()
        var script = "CREATE SCHEMA \(schema); SET search_path TO \(schema);\n"
        script += catalog.createTablesSQL(.postgres)
        script += "BEGIN;\n" + fact.stagingTableSQL(named: "stage_facts", dialect: .postgres) + "\nCOMMIT;\n"
        script += change.ddl(.postgres).joined(separator: "\n") + "\n" + change.ddl(.postgres).joined(separator: "\n") + "\n"
        script += """
            SELECT table_name || '.' || column_name || ':' || data_type FROM information_schema.columns
            WHERE table_schema = '\(schema)' ORDER BY table_name, ordinal_position;
            DROP SCHEMA \(schema) CASCADE;
            """
        let result = try await Subprocess.run(["psql", servers.postgresURL, "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", script])
        let columns = Set(result.output.split(separator: "\n").map(String.init))
        #expect(columns.contains("fact_entity_values.value_decimal:numeric"))
        #expect(columns.contains("fact_entity_values.ingested_at:timestamp with time zone"))
        #expect(columns.contains("fact_entity_values.confidence:double precision"))
        #expect(columns.contains("entity_attributes_hot.attributes:jsonb"))
        #expect(columns.contains("dim_attributes.is_hot:boolean"))
        #expect(columns.contains("agg_daily_metrics.metric_date:date"))
        #expect(!columns.contains { $0.hasPrefix("fact_entity_values._kafka_offset") || $0.hasPrefix("fact_entity_values._unchanged") })
    }
}
