import Catalog
import Engine
import Foundation
import LoadGen
import Logging
import MillraceTesting
import Runtime
import Staging
import Testing
import Warehouse

/// The load plan (the SQL dry-run prints) run on a real PostgreSQL server, two loads in a row:
/// the warehouse must hold what the source records imply, newest change per key with deletes
/// applied, the daily aggregate must agree with the facts, and loading a batch twice must fail
/// without changing anything. PostgreSQL has no COPY from Parquet, so the test helper
/// (`scripts/testing/pg_load.py`) stands in for that one step with psql `\copy` of the same
/// files; the rest of the transaction runs as planned.
@Suite("Load plans on PostgreSQL", .serialized)
struct PostgresLoadTests {
    @Test("two loads of staged batches give the source's final state; a repeated load is refused")
    func loadsMatchTheSource() async throws {
        let servers = try TestServers.require()
        let folder = try TemporaryDirectory(prefix: "millrace-pg-load")
        defer { folder.remove() }
        let catalog = try Catalog.load(directory: PackagePaths.schemas.path)

        // Source records, as a kcat -J dump. With this seed some keys are deleted and re-created,
        // and some changes are redelivered after their key's delete, in a later load.
        var settings = LoadGenConfiguration()
        settings.count = 4000
        settings.seed = 101
        settings.entities = 300
        settings.duplicateRate = 0.05
        settings.deleteRate = 0.03
        settings.addColumnAt = 2000
        let dump = folder.path("source.kcat.json").path
        let sink = try FileRecordSink(path: dump, format: .kcat)
        _ = try await LoadRunner.run(try LoadGenerator(catalog: catalog, configuration: settings), into: sink)

        // Staged batches from the worker's own flush path.
        var configuration = WorkerConfiguration()
        configuration.schemas.dir = PackagePaths.schemas.path
        configuration.pipeline.maxBatchRows = 700
        var options = WorkerOptions()
        options.dryRun = true
        options.outputDirectory = folder.path("staging").path
        let records = try FileReplay.run(
            configuration, inputs: [FileReplay.Input(path: dump, topic: nil)], options: options,
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        ).sorted { $0.batchID < $1.batchID }
        #expect(records.count >= 4)

        // Two load transactions, planned by the warehouse layer for PostgreSQL.
        var evolved = catalog
        for change in records.flatMap(\.schemaChanges) {
            // The committed version in the staging store is the one the record carries.
            let yaml = try String(contentsOf: folder.path("staging").appendingPathComponent(
                StagingLayout().schemaKey(table: change.table, version: change.toVersion)), encoding: .utf8)
            #expect(yaml == change.definition)
            evolved = try evolved.adding(version: Catalog.definition(yaml: yaml))
        }
        let planner = LoadPlanner(catalog: evolved, dialect: .postgres, settings: LoadSettings())
        let half = records.count / 2
        let scripts = [
            ("bootstrap.sql", evolved.createTablesSQL(.postgres) + planner.bootstrapStatements.joined(separator: "\n")),
            ("load1.sql", try planner.plan(Array(records[..<half]), loadID: "load-1").script),
            ("load2.sql", try planner.plan(Array(records[half...]), loadID: "load-2").script),
        ]
        for (name, text) in scripts { try text.write(to: folder.path(name), atomically: true, encoding: .utf8) }

        let output = try await Subprocess.run([
            "python3", PackagePaths.root.appendingPathComponent("scripts/testing/pg_load.py").path,
            "--pg", servers.postgresURL, "--staging", folder.path("staging").path, "--kcat", dump,
            "--bootstrap", folder.path("bootstrap.sql").path, "--load", folder.path("load1.sql").path,
            "--load", folder.path("load2.sql").path, "--repeat", folder.path("load2.sql").path,
        ]).output
        let result = try #require(try JSONSerialization.jsonObject(with: Data((output.split(separator: "\n").last ?? "").utf8)) as? [String: Any])
        for table in ["entities", "facts", "hot", "hot_attributes"] {
            let counts = result[table] as? [Int] ?? []
            #expect(counts.count == 3 && counts[0] > 0 && counts[0] == counts[1] && counts[2] == 0, "\(table): expected, actual, wrong = \(counts); \(result["samples"] ?? "")")
        }
        #expect(result["aggregate_matches"] as? Bool == true)
        #expect(result["ledger_rows"] as? Int == records.count)
        #expect(result["freshness_rows"] as? Int == 1)
        #expect(result["repeat_refused"] as? Bool == true)
        #expect(result["unchanged_after_repeat"] as? Bool == true)
    }
}
