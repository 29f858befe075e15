import Catalog
import Foundation
import LoadGen
import Loader
import Logging
import MillraceTesting
import Runtime
import Staging
import Testing
import Warehouse

/// The loader on a real PostgreSQL server: staged batches from the worker's own flush path,
/// loaded by `millrace load`'s code in several cycles (small per-load limits), must give exactly
/// the final state the source records imply (key-only deletes, tombstones, re-inserts, late
/// redeliveries, an added column, unchanged TOASTed documents), computed independently by
/// `scripts/testing/warehouse_oracle.py`; the daily aggregate
/// must agree with a GROUP BY over the facts; a cycle with nothing new must change nothing, the
/// ledger included.
@Suite("Loader on PostgreSQL", .serialized)
struct PostgresLoadTests {
    static let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    /// A kcat dump of generated CDC traffic (`rate` events per second of source time, a heartbeat
    /// every `heartbeatMs`) and the local staging folder the worker's flush path committed it to.
    static func stage(
        in folder: TemporaryDirectory, count: Int = 4000, seed: UInt64 = 101, identity: ReplicaIdentity = .default, rate: Double = 10_000,
        heartbeatMs: Int64 = 10_000
    ) async throws -> (dump: String, records: [CommitRecord]) {
        let catalog = try Catalog.load(directory: PackagePaths.schemas.path)
        var settings = LoadGenConfiguration()
        settings.count = count
        settings.seed = seed
        settings.entities = 300
        settings.duplicateRate = 0.05
        settings.deleteRate = 0.03
        settings.addColumnAt = count / 2
        // Updates of entity_jsonb that leave the large document unchanged carry Debezium's
        // placeholder: the load must keep the warehouse's value (the oracle's hot_attributes).
        settings.unchangedToastRate = 0.3
        settings.replicaIdentity = identity
        settings.rate = rate
        settings.heartbeatIntervalMs = heartbeatMs
        let dump = folder.path("source.kcat.json").path
        let sink = try FileRecordSink(path: dump, format: .kcat)
        _ = try await LoadRunner.run(try LoadGenerator(catalog: catalog, configuration: settings), into: sink)
        var configuration = WorkerConfiguration()
        configuration.schemas.dir = PackagePaths.schemas.path
        configuration.pipeline.maxBatchRows = 700
        var options = WorkerOptions()
        options.outputDirectory = folder.path("staging").path
        let records = try FileReplay.run(configuration, inputs: [FileReplay.Input(path: dump, topic: nil)], options: options, logger: quiet)
        return (dump, records)
    }

    /// The configuration of a loader of `folder`'s staging into `schema` on the test server.
    static func loaderConfiguration(_ servers: TestServers, folder: TemporaryDirectory, schema: String) -> WorkerConfiguration {
        var configuration = WorkerConfiguration()
        configuration.schemas.dir = PackagePaths.schemas.path
        configuration.staging.localDir = folder.path("staging").path
        configuration.warehouse.dialect = .postgres
        configuration.warehouse.url = servers.postgresURL
        configuration.warehouse.schema = schema
        configuration.warehouse.maxBatchesPerLoad = 3
        configuration.observability.listen = ""
        return configuration
    }

    /// The oracle's verdict on `schema` for the source records in `dump`.
    static func oracle(_ servers: TestServers, schema: String, dump: String) async throws -> [String: Any] {
        let output = try await Subprocess.run([
            "python3", PackagePaths.root.appendingPathComponent("scripts/testing/warehouse_oracle.py").path,
            "--pg", servers.postgresURL, "--schema", schema, "--kcat", dump,
        ]).output
        return try #require(try JSONSerialization.jsonObject(with: Data((output.split(separator: "\n").last ?? "").utf8)) as? [String: Any])
    }

    /// Asserts every table holds exactly what the source implies.
    static func expectExact(_ result: [String: Any], _ comment: String = "") {
        for table in ["entities", "facts", "fact_rows", "hot", "hot_attributes"] {
            let counts = result[table] as? [Int] ?? []
            #expect(counts.count == 3 && counts[0] > 0 && counts[0] == counts[1] && counts[2] == 0,
                "\(comment)\(table): expected, actual, wrong = \(counts); \(result["samples"] ?? "")")
        }
        #expect((result["duplicates"] as? [String: Int])?.values.allSatisfy { $0 == 0 } == true, "\(comment)a key loaded twice: \(result["duplicates"] ?? "")")
        #expect(result["aggregate_matches"] as? Bool == true, "\(comment)agg_daily_metrics differs from a GROUP BY over the facts")
        #expect((result["aggregate_rows"] as? Int ?? 0) > 0)
    }

    @Test("loads in several cycles give the source's final state (deletes with key-only and with full images); a cycle with nothing new changes nothing, the ledger included",
          arguments: [ReplicaIdentity.default, .full])
    func loadsMatchTheSource(_ identity: ReplicaIdentity) async throws {
        let servers = try TestServers.require()
        let folder = try TemporaryDirectory(prefix: "millrace-pg-load")
        defer { folder.remove() }
        let (dump, records) = try await Self.stage(in: folder, identity: identity)
        #expect(records.count >= 4)
        #expect(records.contains { !$0.schemaChanges.isEmpty }, "the traffic adds a column mid-stream")

        let schema = PostgresProbe.uniqueSchema("load")
        let configuration = Self.loaderConfiguration(servers, folder: folder, schema: schema)
        var options = Loading.Options()
        options.once = true
        let reports = try await Loading.run(configuration, options: options, logger: Self.quiet)
        #expect(reports.count >= 2, "three batches per load: the backlog takes several cycles, each starting at once")
        #expect(reports.last?.isBehind == false)
        #expect(reports.allSatisfy { $0.heldLease })
        let result = try await Self.oracle(servers, schema: schema, dump: dump)
        Self.expectExact(result)
        #expect(result["freshness_rows"] as? Int == 3)

        let probe = PostgresProbe(url: servers.postgresURL, schema: schema)
        let ledgerRows = try await probe.value("SELECT count(*) FROM millrace_load_ledger")
        #expect(Int(ledgerRows) == records.reduce(0) { $0 + Set($1.files.map(\.table)).count })
        let tables = ["fact_entity_values", "dim_entities", "entity_attributes_hot", "agg_daily_metrics", "millrace_load_ledger"]
        var before: [String] = []
        for table in tables { before.append(try await probe.digest(table)) }
        let again = try await Loading.run(configuration, options: options, logger: Self.quiet)
        #expect(again.count == 1 && again[0].loads.isEmpty && again[0].quarantined.isEmpty)
        var after: [String] = []
        for table in tables { after.append(try await probe.digest(table)) }
        #expect(before == after, "a cycle with nothing new changed the warehouse")
        // The evolved column exists in the target, added by the loader.
        #expect(try await probe.value(
            "SELECT count(*) FROM information_schema.columns WHERE table_schema = '\(schema)' AND table_name = 'fact_entity_values' "
                + "AND column_name = 'confidence'") == "1")
    }
}
