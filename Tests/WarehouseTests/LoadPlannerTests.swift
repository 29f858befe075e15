import Catalog
import Foundation
import MillraceTesting
import Staging
import Testing
import Warehouse

/// The Redshift load plan's text. No server here runs `COPY … FORMAT AS PARQUET`, so these
/// tests check the statements Millrace sends at that seam; the PostgreSQL dialect of the same
/// plan runs on a real server in RuntimeTests ("Load plans on PostgreSQL").
@Suite("Load planner")
struct LoadPlannerTests {
    let catalog: Catalog
    let settings = LoadSettings(bucket: "eav-olap", prefix: "staging", iamRole: "arn:aws:iam::1:role/copy", schema: "analytics")

    init() throws {
        catalog = try Catalog.load(directory: PackagePaths.schemas.path)
    }

    private func record(_ millis: Int64, files: [StagedFile], changes: [SchemaChangeNote] = []) -> CommitRecord {
        var record = CommitRecord(
            batchID: BatchID(createdAtMillis: millis, random: UInt64(millis)), state: .committed, worker: "w1",
            sources: [], plannedPrefixes: [])
        record.files = files
        record.schemaChanges = changes
        record.stats.sourceTimeMillis = millis
        return record
    }

    private func file(_ table: String, _ name: String, version: Int = 1, bytes: Int64 = 1234) -> StagedFile {
        StagedFile(key: "\(table)/2026/11/25/04/\(name).parquet", table: table, schemaVersion: version, hour: "2026-11-25T04", rows: 10, bytes: bytes)
    }

    @Test("one transaction: lock, stage and COPY by manifest, dimensions before facts, ledger, commit")
    func transactionShape() throws {
        let planner = LoadPlanner(catalog: catalog, dialect: .redshift, settings: settings)
        let plan = try planner.plan(
            [
                record(1_764_000_000_000, files: [file("fact_entity_values", "b"), file("fact_entity_values", "a", bytes: 99)]),
                record(1_764_000_030_000, files: [file("dim_entities", "c")]),
            ], loadID: "load-7")
        let statements = plan.statements
        #expect(statements.first == "BEGIN;")
        #expect(statements.last == "COMMIT;")
        #expect(statements[1] == #"LOCK "analytics"."millrace_load_ledger";"#)

        let copies = statements.filter { $0.hasPrefix("COPY ") }
        #expect(copies == [
            #"COPY "stage_dim_entities_v1" FROM 's3://eav-olap/staging/_millrace/manifests/load-7/stage_dim_entities_v1.manifest' IAM_ROLE 'arn:aws:iam::1:role/copy' FORMAT AS PARQUET MANIFEST;"#,
            #"COPY "stage_fact_entity_values_v1" FROM 's3://eav-olap/staging/_millrace/manifests/load-7/stage_fact_entity_values_v1.manifest' IAM_ROLE 'arn:aws:iam::1:role/copy' FORMAT AS PARQUET MANIFEST;"#,
        ])
        let mergeDimensions = try #require(statements.firstIndex { $0.hasPrefix(#"MERGE INTO "analytics"."dim_entities""#) })
        let mergeFacts = try #require(statements.firstIndex { $0.hasPrefix(#"MERGE INTO "analytics"."fact_entity_values""#) })
        #expect(mergeDimensions < mergeFacts)
        let ledger = try #require(statements.first { $0.hasPrefix(#"INSERT INTO "analytics"."millrace_load_ledger""#) })
        #expect(ledger.contains("'load-7', 2, 20, 1333,"))
        #expect(ledger.contains("'load-7', 1, 10, 1234,"))
        #expect(statements.contains { $0.hasPrefix(#"DELETE FROM "analytics"."agg_daily_metrics""#) })
    }

    @Test("manifests list the exact files, sorted, with their exact sizes")
    func manifests() throws {
        let planner = LoadPlanner(catalog: catalog, dialect: .redshift, settings: settings)
        let plan = try planner.plan([record(1_764_000_000_000, files: [file("fact_entity_values", "b"), file("fact_entity_values", "a", bytes: 99)])], loadID: "l")
        let manifest = try #require(plan.manifests.first)
        #expect(plan.manifests.count == 1)
        #expect(manifest.key == "_millrace/manifests/l/stage_fact_entity_values_v1.manifest")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(manifest.json.utf8)) as? [String: Any])
        let entries = try #require(json["entries"] as? [[String: Any]])
        #expect(entries.map { $0["url"] as? String } == [
            "s3://eav-olap/staging/fact_entity_values/2026/11/25/04/a.parquet", "s3://eav-olap/staging/fact_entity_values/2026/11/25/04/b.parquet",
        ])
        #expect(entries.map { ($0["meta"] as? [String: Any])?["content_length"] as? Int } == [99, 1234])
        #expect(entries.allSatisfy { $0["mandatory"] as? Bool == true })
    }

    @Test("without a role COPY uses the cluster's default IAM role")
    func defaultRole() throws {
        let planner = LoadPlanner(catalog: catalog, dialect: .redshift, settings: LoadSettings())
        let plan = try planner.plan([record(1, files: [file("dim_entities", "a")])], loadID: "l")
        #expect(plan.statements.contains { $0.hasPrefix("COPY ") && $0.contains("IAM_ROLE 'default' FORMAT AS PARQUET MANIFEST;") })
    }

    @Test("a schema change's DDL runs once, before any staging table")
    func schemaChangeOnce() throws {
        var evolved = try #require(catalog.table("fact_entity_values")?.current)
        evolved.version = 2
        evolved.columns.append(Column(name: "confidence", type: .double, role: .source(field: "confidence", connect: ConnectSchema(type: .float64, isOptional: true)), addedIn: 2))
        let change = SchemaChangeNote(
            table: "fact_entity_values", fromVersion: 1, toVersion: 2,
            ddl: ["redshift": [#"ALTER TABLE "fact_entity_values" ADD COLUMN "confidence" DOUBLE PRECISION;"#]],
            definition: Catalog.yaml(of: evolved))
        let planner = LoadPlanner(catalog: try catalog.adding(version: evolved), dialect: .redshift, settings: settings)
        let plan = try planner.plan(
            [
                record(1, files: [file("fact_entity_values", "a")], changes: [change]),
                record(2, files: [file("fact_entity_values", "b", version: 2)], changes: [change]),
            ], loadID: "l")
        // Redshift has no ADD COLUMN IF NOT EXISTS: the load calls the bootstrap's procedure,
        // which adds the column only when SVV_COLUMNS lacks it (a later load carrying the same
        // change again must not fail).
        let alters = plan.statements.indices.filter { plan.statements[$0].hasPrefix("CALL ") }
        #expect(alters.count == 1)
        #expect(plan.statements[alters[0]] == #"CALL "analytics".millrace_add_column('fact_entity_values', 'confidence', 'DOUBLE PRECISION');"#)
        let procedure = try #require(planner.bootstrapStatements.first { $0.hasPrefix("CREATE OR REPLACE PROCEDURE") })
        #expect(procedure.contains("FROM svv_columns WHERE table_schema = 'analytics' AND table_name = p_table AND column_name = p_column"))
        #expect(procedure.contains("EXECUTE 'ALTER TABLE ' || quote_ident('analytics') || '.' || quote_ident(p_table) || ' ADD COLUMN '"))
        #expect(procedure.hasSuffix("$$ LANGUAGE plpgsql;"))
        let postgres = try LoadPlanner(catalog: try catalog.adding(version: evolved), dialect: .postgres, settings: settings)
            .plan([record(1, files: [file("fact_entity_values", "a")], changes: [change])], loadID: "p")
        #expect(postgres.statements.contains(#"ALTER TABLE "analytics"."fact_entity_values" ADD COLUMN IF NOT EXISTS "confidence" DOUBLE PRECISION;"#))
        let firstStage = try #require(plan.statements.firstIndex { $0.hasPrefix("CREATE TEMP TABLE") })
        #expect(try #require(alters.first) < firstStage)
        // Version 1's rows are folded into version 2's staging table before the merge.
        #expect(plan.statements.contains {
            $0.hasPrefix(#"INSERT INTO "stage_fact_entity_values_v2" ("#) && $0.hasSuffix(#"FROM "stage_fact_entity_values_v1";"#)
        })
        #expect(plan.manifests.map(\.key) == [
            "_millrace/manifests/l/stage_fact_entity_values_v1.manifest", "_millrace/manifests/l/stage_fact_entity_values_v2.manifest",
        ])
    }

    @Test("a table or version the catalog does not know is refused")
    func unknownTableOrVersion() {
        let planner = LoadPlanner(catalog: catalog, dialect: .redshift, settings: settings)
        #expect(throws: WarehouseError.self) { try planner.plan([record(1, files: [file("no_such_table", "a")])], loadID: "l") }
        do {
            _ = try planner.plan([record(1, files: [file("dim_entities", "a", version: 9)])], loadID: "l")
            Issue.record("version 9 was planned")
        } catch {
            #expect(error.code == .unknownVersion)
            #expect(error.message.contains("dim_entities has no version 9"))
        }
    }

    @Test("deletes are remembered per topic table and older changes of a deleted key are dropped")
    func deletedKeys() throws {
        let planner = LoadPlanner(catalog: catalog, dialect: .redshift, settings: settings)
        let bootstrap = planner.bootstrapStatements
        let creates = bootstrap.filter { $0.contains("millrace_deleted_") }
        #expect(creates.count == 3)
        #expect(creates.contains(
            #"CREATE TABLE IF NOT EXISTS "analytics"."millrace_deleted_fact_entity_values" ("entity_id" BIGINT NOT NULL, "version" BIGINT NOT NULL, "_lsn" BIGINT, "deleted_at" TIMESTAMPTZ NOT NULL, PRIMARY KEY ("entity_id", "version"));"#
        ))
        #expect(!creates.contains { $0.contains("dim_attributes") || $0.contains("agg_daily_metrics") })

        let plan = try planner.plan([record(1, files: [file("dim_entities", "a"), file("fact_entity_values", "b")])], loadID: "l")
        // dim_entities orders by version, then LSN; the fact's version is in its key, so LSN alone.
        #expect(plan.statements.contains(
            #"DELETE FROM "latest_dim_entities" USING "analytics"."millrace_deleted_dim_entities" d WHERE d."entity_id" = "latest_dim_entities"."entity_id" AND (d."version" > "latest_dim_entities"."version" OR (d."version" = "latest_dim_entities"."version" AND d."_lsn" >= "latest_dim_entities"."_lsn"));"#
        ))
        #expect(plan.statements.contains {
            $0.hasPrefix(#"DELETE FROM "latest_fact_entity_values" USING "analytics"."millrace_deleted_fact_entity_values" d"#)
                && $0.hasSuffix(#"AND d."_lsn" >= "latest_fact_entity_values"."_lsn";"#)
        })
        #expect(plan.statements.contains(
            #"DELETE FROM "analytics"."millrace_deleted_dim_entities" WHERE "deleted_at" < CURRENT_TIMESTAMP - INTERVAL '604800 seconds';"#
        ))
        let remember = try #require(plan.statements.firstIndex { $0.hasPrefix(#"INSERT INTO "analytics"."millrace_deleted_dim_entities""#) })
        let merge = try #require(plan.statements.firstIndex { $0.hasPrefix(#"MERGE INTO "analytics"."dim_entities""#) })
        #expect(remember < merge)
    }
}
