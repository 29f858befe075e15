import Catalog
import Foundation
import MillraceTesting
import Staging
import Testing
import Warehouse

/// The Redshift load plan's text. No server here runs `COPY … FORMAT AS PARQUET` or Redshift's
/// stored procedures, so these tests check the statements Millrace sends at that seam against
/// the forms the Amazon Redshift Database Developer Guide documents; the PostgreSQL dialect of
/// the same plans runs on a real server in LoaderTests and RuntimeTests.
@Suite("Load planner")
struct LoadPlannerTests {
    let catalog: Catalog
    let settings = LoadSettings(bucket: "eav-olap", prefix: "staging", iamRole: "arn:aws:iam::1:role/copy", schema: "analytics")
    let lease = LeaseGrant(name: "millrace-eav", token: 7)

    init() throws {
        catalog = try Catalog.load(directory: PackagePaths.schemas.path)
    }

    private func record(_ millis: Int64, files: [StagedFile]) -> CommitRecord {
        var record = CommitRecord(
            batchID: BatchID(createdAtMillis: millis, random: UInt64(millis)), state: .committed, worker: "w1",
            sources: [], plannedPrefixes: [])
        record.files = files
        return record
    }

    private func file(_ table: String, _ name: String, version: Int = 1, bytes: Int64 = 1234) -> StagedFile {
        StagedFile(key: "\(table)/2026/11/25/04/\(name).parquet", table: table, schemaVersion: version, hour: "2026-11-25T04", rows: 10, bytes: bytes)
    }

    private func evolvedFacts() throws -> TableDefinition {
        var evolved = try #require(catalog.table("fact_entity_values")?.current)
        evolved.version = 2
        evolved.columns.append(Column(
            name: "confidence", type: .double, role: .source(field: "confidence", connect: ConnectSchema(type: .float64, isOptional: true)),
            addedIn: 2))
        return evolved
    }

    @Test("one transaction per table: lock, check, stage and COPY by manifest, merge, ledger, freshness, temp tables dropped")
    func transactionShape() throws {
        let planner = LoadPlanner(catalog: catalog, dialect: .redshift, settings: settings)
        let records = [
            record(1_764_000_000_000, files: [file("fact_entity_values", "b"), file("fact_entity_values", "a", bytes: 99)]),
            record(1_764_000_030_000, files: [file("dim_entities", "c")]),
        ]
        let plan = try planner.plan(table: "fact_entity_values", records: records, loadID: "load-7", lease: lease)
        let statements = plan.steps.map(\.text)
        #expect(statements[0] == #"LOCK "analytics"."millrace_load_ledger";"#)
        #expect(plan.batches == records.map(\.batchID))
        let check = try #require(statements.firstIndex(of: #"CALL "analytics".millrace_check_load('millrace-eav', 7, 'fact_entity_values', ',"#
            + records.map(\.batchID.rawValue).joined(separator: ",") + #",');"#))
        #expect(statements.filter { $0.hasPrefix("COPY ") } == [
            #"COPY "stage_fact_entity_values_v1" FROM 's3://eav-olap/staging/_millrace/manifests/load-7/stage_fact_entity_values_v1.manifest' IAM_ROLE 'arn:aws:iam::1:role/copy' FORMAT AS PARQUET MANIFEST;"#
        ])
        let merge = try #require(statements.firstIndex { $0.hasPrefix(#"MERGE INTO "analytics"."fact_entity_values""#) })
        let ledger = try #require(statements.firstIndex { $0.hasPrefix(#"INSERT INTO "analytics"."millrace_load_ledger""#) })
        // The lease and the ledger are checked after the work, right before the ledger rows.
        #expect(merge < check && check + 2 == ledger)
        #expect(statements[ledger].contains("'fact_entity_values', 1, 'load-7', 'loaded', 2, 20, 1333,"))
        #expect(statements.contains { $0.hasPrefix(#"DELETE FROM "analytics"."agg_daily_metrics""#) })
        #expect(statements.last == #"DROP TABLE "stage_fact_entity_values_v1", "latest_fact_entity_values", "fill_fact_entity_values_value", "touched_days", "fresh_fact_entity_values";"#)
        // The Redshift Data API runs at most 40 statements in one BatchExecuteStatement.
        #expect(plan.statementCount <= 40)
        #expect(plan.script.hasPrefix("-- load load-7 of fact_entity_values"))
        #expect(plan.script.contains("\nBEGIN;\n") && plan.script.hasSuffix("COMMIT;\n"))
    }

    @Test("every shipped table's load, with two schema versions, fits one Data API batch")
    func statementBudget() throws {
        let evolved = try catalog.adding(version: evolvedFacts())
        let planner = LoadPlanner(catalog: evolved, dialect: .redshift, settings: settings)
        for table in evolved.tables.map(\.current) where table.source.topic != nil {
            let versions = table.name == "fact_entity_values" ? [1, 2] : [1]
            let plan = try planner.plan(
                table: table.name, records: [record(1, files: versions.map { file(table.name, "v\($0)", version: $0) })],
                loadID: "l", lease: lease)
            #expect(plan.statementCount <= 40, "\(table.name): \(plan.statementCount) statements")
        }
    }

    @Test("manifests list the exact files, sorted, with their exact sizes")
    func manifests() throws {
        let planner = LoadPlanner(catalog: catalog, dialect: .redshift, settings: settings)
        let plan = try planner.plan(
            table: "fact_entity_values", records: [record(1_764_000_000_000, files: [file("fact_entity_values", "b"), file("fact_entity_values", "a", bytes: 99)])],
            loadID: "l", lease: lease)
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

    @Test("without a role COPY names the cluster's default role with the unquoted keyword")
    func defaultRole() throws {
        // Amazon Redshift Database Developer Guide, "Authorization parameters": IAM_ROLE { default | 'arn:…' }.
        let planner = LoadPlanner(catalog: catalog, dialect: .redshift, settings: LoadSettings(bucket: "b"))
        let plan = try planner.plan(table: "dim_entities", records: [record(1, files: [file("dim_entities", "a")])], loadID: "l", lease: lease)
        #expect(plan.steps.map(\.text).contains { $0.hasPrefix("COPY ") && $0.hasSuffix(" IAM_ROLE default FORMAT AS PARQUET MANIFEST;") })
    }

    @Test("evolved versions: each gets its staging table and COPY, older ones fold into the newest, the target's columns are synced outside the transaction")
    func evolution() throws {
        let evolved = try catalog.adding(version: evolvedFacts())
        let planner = LoadPlanner(catalog: evolved, dialect: .redshift, settings: settings)
        let plan = try planner.plan(
            table: "fact_entity_values",
            records: [record(1, files: [file("fact_entity_values", "a")]), record(2, files: [file("fact_entity_values", "b", version: 2)])],
            loadID: "l", lease: lease)
        let statements = plan.steps.map(\.text)
        #expect(plan.manifests.map(\.key) == [
            "_millrace/manifests/l/stage_fact_entity_values_v1.manifest", "_millrace/manifests/l/stage_fact_entity_values_v2.manifest",
        ])
        #expect(statements.contains {
            $0.hasPrefix(#"INSERT INTO "stage_fact_entity_values_v2" ("#) && $0.hasSuffix(#"FROM "stage_fact_entity_values_v1";"#)
        })
        #expect(!statements.contains { $0.contains("ALTER TABLE") || $0.contains("millrace_add_column") })
        // Redshift has no ADD COLUMN IF NOT EXISTS: the sync calls the bootstrap's procedure,
        // which adds the column only when SVV_COLUMNS lacks it, so it may run any number of times.
        let sync = try planner.schemaSync(table: "fact_entity_values")
        #expect(sync.first?.hasPrefix("-- fact_entity_values:") == true)
        #expect(sync.first?.contains(#"CREATE TABLE IF NOT EXISTS "analytics"."fact_entity_values""#) == true)
        #expect(sync.contains(#"CALL "analytics".millrace_add_column('fact_entity_values', 'confidence', 'DOUBLE PRECISION');"#))
        let procedure = try #require(planner.bootstrapStatements.first { $0.contains("PROCEDURE \"analytics\".millrace_add_column") })
        #expect(procedure.contains("FROM svv_columns WHERE table_schema = 'analytics' AND table_name = p_table AND column_name = p_column"))
        #expect(procedure.hasSuffix("$$ LANGUAGE plpgsql;"))
        let postgres = try LoadPlanner(catalog: evolved, dialect: .postgres, settings: settings).schemaSync(table: "fact_entity_values")
        #expect(postgres.contains(#"ALTER TABLE "analytics"."fact_entity_values" ADD COLUMN IF NOT EXISTS "confidence" DOUBLE PRECISION;"#))
    }

    @Test("a widened VARCHAR or DECIMAL is widened in place, through a procedure that checks SVV_COLUMNS on Redshift")
    func widening() throws {
        var dim = try #require(catalog.table("dim_entities")?.current)
        dim.version = 2
        let index = try #require(dim.columnIndex("name"))
        dim.columns[index].type = .varchar(maxBytes: 512)
        let widened = try catalog.adding(version: dim)
        let redshift = try LoadPlanner(catalog: widened, dialect: .redshift, settings: settings).schemaSync(table: "dim_entities")
        #expect(redshift.contains(#"CALL "analytics".millrace_widen_varchar('dim_entities', 'name', 512);"#))
        let postgres = try LoadPlanner(catalog: widened, dialect: .postgres, settings: settings).schemaSync(table: "dim_entities")
        #expect(postgres.contains(#"ALTER TABLE "analytics"."dim_entities" ALTER COLUMN "name" TYPE VARCHAR(512);"#))

        var keyed = try #require(catalog.table("fact_entity_values")?.current)
        keyed.version = 2
        let value = try #require(keyed.columnIndex("value_decimal"))
        keyed.columns[value].type = .decimal(precision: 30, scale: 5)
        let decimals = try catalog.adding(version: keyed)
        #expect(try LoadPlanner(catalog: decimals, dialect: .redshift, settings: settings).schemaSync(table: "fact_entity_values")
            .contains(#"CALL "analytics".millrace_widen_decimal('fact_entity_values', 'value_decimal', 30, 5);"#))
    }

    @Test("a table or version the catalog does not know is refused")
    func unknownTableOrVersion() {
        let planner = LoadPlanner(catalog: catalog, dialect: .redshift, settings: settings)
        #expect(throws: WarehouseError.self) {
            try planner.plan(table: "no_such_table", records: [record(1, files: [file("no_such_table", "a")])], loadID: "l", lease: lease)
        }
        do {
            _ = try planner.plan(table: "dim_entities", records: [record(1, files: [file("dim_entities", "a", version: 9)])], loadID: "l", lease: lease)
            Issue.record("version 9 was planned")
        } catch {
            #expect(error.code == .unknownVersion)
            #expect(error.message.contains("dim_entities has no version 9"))
        }
    }

    @Test("deletes are remembered per topic table, ordered by LSN first, and a lone tombstone never replaces an entry")
    func deletedKeys() throws {
        let planner = LoadPlanner(catalog: catalog, dialect: .redshift, settings: settings)
        let creates = planner.bootstrapStatements.filter { $0.contains("millrace_deleted_") }
        #expect(creates.count == 3)
        #expect(creates.contains(
            #"CREATE TABLE IF NOT EXISTS "analytics"."millrace_deleted_fact_entity_values" ("entity_id" BIGINT NOT NULL, "version" BIGINT NOT NULL, "_lsn" BIGINT, "deleted_at" TIMESTAMPTZ NOT NULL, PRIMARY KEY ("entity_id", "version"));"#
        ))
        let plan = try planner.plan(table: "dim_entities", records: [record(1, files: [file("dim_entities", "a")])], loadID: "l", lease: lease)
        let statements = plan.steps.map(\.text)
        // dim_entities' version is not in its key, so it orders changes after the LSN.
        #expect(statements.contains(
            #"DELETE FROM "latest_dim_entities" USING "analytics"."millrace_deleted_dim_entities" d WHERE d."entity_id" = "latest_dim_entities"."entity_id" AND (((d."_lsn" IS NOT NULL AND "latest_dim_entities"."_lsn" IS NOT NULL AND d."_lsn" >= "latest_dim_entities"."_lsn") OR ((d."_lsn" IS NULL OR "latest_dim_entities"."_lsn" IS NULL) AND d."version" IS NOT NULL AND "latest_dim_entities"."version" IS NOT NULL AND d."version" >= "latest_dim_entities"."version")) OR ("latest_dim_entities"."_lsn" IS NULL AND "latest_dim_entities"."version" IS NULL));"#
        ))
        #expect(statements.contains {
            $0.hasPrefix(#"DELETE FROM "analytics"."millrace_deleted_dim_entities" USING "latest_dim_entities" WHERE"#)
                && $0.hasSuffix(#"AND NOT ("latest_dim_entities"."_lsn" IS NULL AND "latest_dim_entities"."version" IS NULL);"#)
        })
        #expect(statements.contains(
            #"DELETE FROM "analytics"."millrace_deleted_dim_entities" WHERE "deleted_at" < CURRENT_TIMESTAMP - INTERVAL '604800 seconds';"#
        ))
        let remember = try #require(statements.firstIndex { $0.hasPrefix(#"INSERT INTO "analytics"."millrace_deleted_dim_entities""#) })
        let merge = try #require(statements.firstIndex { $0.hasPrefix(#"MERGE INTO "analytics"."dim_entities""#) })
        #expect(remember < merge)
        // Ranking: LSN first (a tombstone takes the LSN of the change before it in its partition).
        #expect(statements.contains { $0.contains(#"ORDER BY "_lsn" DESC NULLS LAST, CASE WHEN "_lsn" IS NULL THEN "version" END DESC NULLS LAST, "_kafka_partition" DESC, "_kafka_offset" DESC"#) })
        #expect(statements.contains { $0.contains(#"COALESCE(s."_lsn", MAX(s."_lsn") OVER (PARTITION BY s."entity_id", s."_kafka_partition" ORDER BY s."_kafka_offset" ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW))"#) })
    }

    @Test("the check procedure and the lease use the forms both dialects accept, with their stable codes")
    func procedures() throws {
        for dialect in SQLDialect.all {
            let planner = LoadPlanner(catalog: catalog, dialect: dialect, settings: settings)
            let check = try #require(planner.bootstrapStatements.first { $0.contains("millrace_check_load") })
            #expect(check.hasPrefix(#"CREATE OR REPLACE PROCEDURE "analytics".millrace_check_load(p_lease VARCHAR(128), p_token BIGINT"#))
            #expect(check.contains("RAISE EXCEPTION 'MR001 lease lost:"))
            #expect(check.contains("RAISE EXCEPTION 'MR002 already loaded:"))
            // Redshift's RAISE takes no USING clause (Database Developer Guide, "RAISE"); PostgreSQL
            // carries the code as the SQLSTATE too.
            #expect(check.contains("USING ERRCODE") == (dialect == .postgres))
        }
        let lease = LeaseStatements(dialect: .redshift, schema: "analytics", name: "n", holder: "me", ttl: .seconds(300))
        #expect(lease.acquire.first == #"LOCK "analytics"."millrace_lease";"#)
        #expect(lease.acquire[1].contains("token = token + 1") && lease.acquire[1].contains("expires_at < CURRENT_TIMESTAMP"))
        #expect(lease.acquire[2].contains("INTERVAL '300 seconds'") && !lease.acquire[2].contains("token"))
    }

    @Test("freshness: staged rows' newest source time per partition, and heartbeats only for caught-up partitions of the table's topic")
    func freshnessStatements() throws {
        let planner = LoadPlanner(catalog: catalog, dialect: .postgres, settings: settings)
        var heartbeat = record(5, files: [])
        heartbeat.stats.heartbeatMillis = 1_764_000_000_000
        heartbeat.caughtUp = [
            SourcePartition(topic: "postgres.eav.entities", partition: 2), SourcePartition(topic: "postgres.eav.entity_jsonb", partition: 0),
        ]
        #expect(planner.tables(touchedBy: heartbeat) == ["dim_entities", "entity_attributes_hot"])
        var quiet = heartbeat
        quiet.stats.heartbeatMillis = nil
        #expect(planner.tables(touchedBy: quiet).isEmpty)
        let plan = try planner.plan(table: "dim_entities", records: [heartbeat], loadID: "l", lease: lease)
        let statements = plan.steps.map(\.text)
        #expect(!statements.contains { $0.hasPrefix("MERGE") || $0.hasPrefix("CREATE TEMP TABLE \"stage") })
        #expect(statements.contains(#"CREATE TEMP TABLE "fresh_dim_entities" (kafka_partition INTEGER, as_of TIMESTAMPTZ);"#))
        #expect(statements.contains(#"INSERT INTO "fresh_dim_entities" (kafka_partition, as_of) VALUES (2, TIMESTAMPTZ '2025-11-24T16:00:00.000000Z');"#))
    }
}
