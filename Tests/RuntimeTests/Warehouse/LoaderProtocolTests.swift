import Catalog
import Engine
import Foundation
import Loader
import Logging
import MillraceTesting
import Runtime
import Staging
import Synchronization
import Testing
import Warehouse

/// The load protocol's failure paths on a real PostgreSQL server: a loader killed at every step
/// of a load transaction, a worker killed between loads, two loaders at once, a lease taken away
/// mid-load, a poison batch. Each ends with the warehouse holding exactly what the source implies
/// (the independent oracle) and every (batch, table) in the ledger once.
///
/// A crash is the loader's crash hook throwing at the step: the load's connection drops without
/// COMMIT or ROLLBACK, as `kill -9` would leave it, and the server rolls the transaction back.
@Suite("Load protocol failures on PostgreSQL", .serialized)
struct LoaderProtocolTests {
    private let logger = PostgresLoadTests.quiet

    /// Ledger rows expected when every batch is loaded into every table it staged files for.
    private func expectedLedgerRows(_ records: [CommitRecord]) -> Int {
        records.reduce(0) { $0 + Set($1.files.map(\.table)).count }
    }

    private func once() -> Loading.Options {
        var options = Loading.Options()
        options.once = true
        return options
    }

    @Test("a loader killed at any step of a load, then a worker killed mid-batch, then both restarted: every row once",
          arguments: LoaderCrashPoint.allCases)
    func crashAtEveryStep(_ point: LoaderCrashPoint) async throws {
        let servers = try TestServers.require()
        let folder = try TemporaryDirectory(prefix: "millrace-load-crash")
        defer { folder.remove() }
        let (dump, _) = try await PostgresLoadTests.stage(in: folder, count: 2500, seed: 202)
        // The source in two halves: the first is staged before the loader crashes, the second after.
        let lines = try String(contentsOfFile: dump, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: true)
        try FileManager.default.removeItem(at: folder.path("staging"))
        let first = folder.path("first.kcat.json").path
        let second = folder.path("second.kcat.json").path
        try (lines[..<(lines.count / 2)].joined(separator: "\n") + "\n").write(toFile: first, atomically: true, encoding: .utf8)
        try (lines[(lines.count / 2)...].joined(separator: "\n") + "\n").write(toFile: second, atomically: true, encoding: .utf8)
        _ = try replay(first, into: folder)

        let schema = PostgresProbe.uniqueSchema("crash")
        let configuration = PostgresLoadTests.loaderConfiguration(servers, folder: folder, schema: schema)
        var crashing = once()
        let fired = Atomic<Bool>(false)
        crashing.crashHook = { reached in
            if reached == point && !fired.exchange(true, ordering: .relaxed) { throw SimulatedCrash(at: .afterIntent) }
        }
        do {
            try await Loading.run(configuration, options: crashing, logger: logger)
            Issue.record("the loader did not stop at \(point)")
        } catch let error as LoaderError {
            #expect(error.code == .crashed)
        }
        let didFire = fired.load(ordering: .relaxed)
        #expect(didFire)

        // A worker killed after writing a batch's files, before its fence; then restarted on the
        // same input, which it stages again in full (the loader's merge makes the repeat harmless).
        var killed = WorkerOptions()
        killed.outputDirectory = folder.path("staging").path
        killed.crashHook = { reached in if reached == .afterUpload { throw SimulatedCrash(at: reached) } }
        var configurationForReplay = WorkerConfiguration()
        configurationForReplay.schemas.dir = PackagePaths.schemas.path
        configurationForReplay.pipeline.maxBatchRows = 700
        #expect(throws: SimulatedCrash.self) {
            try FileReplay.run(configurationForReplay, inputs: [FileReplay.Input(path: second, topic: nil)], options: killed, logger: logger)
        }
        _ = try replay(second, into: folder)

        let reports = try await Loading.run(configuration, options: once(), logger: logger)
        #expect(reports.last?.isBehind == false)
        PostgresLoadTests.expectExact(try await PostgresLoadTests.oracle(servers, schema: schema, dump: dump), "after a crash at \(point): ")
        let probe = PostgresProbe(url: servers.postgresURL, schema: schema)
        let committed = try committedRecords(in: folder)
        #expect(Int(try await probe.value("SELECT count(*) FROM millrace_load_ledger WHERE state = 'loaded'")) == expectedLedgerRows(committed))
        #expect(try await probe.value("SELECT count(*) FROM (SELECT batch_id, table_name FROM millrace_load_ledger GROUP BY 1, 2 HAVING count(*) > 1) d") == "0")
    }

    @Test("a loader waits while another holds the lease, then loads; a loader whose lease is taken mid-load cannot commit")
    func lease() async throws {
        let servers = try TestServers.require()
        let folder = try TemporaryDirectory(prefix: "millrace-load-lease")
        defer { folder.remove() }
        let (dump, records) = try await PostgresLoadTests.stage(in: folder, count: 1500, seed: 303)
        let schema = PostgresProbe.uniqueSchema("lease")
        var configuration = PostgresLoadTests.loaderConfiguration(servers, folder: folder, schema: schema)
        configuration.warehouse.loadInterval = .seconds(1)
        let probe = PostgresProbe(url: servers.postgresURL, schema: schema)
        let lease = LeaseStatements(dialect: .postgres, schema: schema, name: configuration.leaseName, holder: "another-loader", ttl: .seconds(600))
        try await probe.execute((lease.createTables + lease.acquire).joined(separator: "\n"))

        // Another loader holds the lease: this one waits, asking again every second.
        let reports = Mutex<[String]>([])
        var waiting = once()
        waiting.printer = { line in reports.withLock { $0.append(line) } }
        let loading = Task { try await Loading.run(configuration, options: waiting, logger: logger) }
        try await waitUntil(120, "the loader saw the lease held by another") {
            reports.withLock { $0.contains { $0.contains("another loader (another-loader) holds the lease") } }
        }
        #expect(try await probe.value("SELECT count(*) FROM information_schema.tables WHERE table_schema = '\(schema)' AND table_name = 'millrace_load_ledger'") == "0",
                "a loader without the lease created or loaded something")
        try await probe.execute(lease.release)
        let loaded = try await loading.value
        #expect(loaded.last?.heldLease == true)
        PostgresLoadTests.expectExact(try await PostgresLoadTests.oracle(servers, schema: schema, dump: dump))
        #expect(Int(try await probe.value("SELECT count(*) FROM millrace_load_ledger")) == expectedLedgerRows(records))

        // Stage more, then take the lease away while a load is between its COPY and its commit.
        let (more, _) = try await PostgresLoadTests.stage(in: folder, count: 600, seed: 304)
        let thief = LeaseStatements(dialect: .postgres, schema: schema, name: configuration.leaseName, holder: "thief", ttl: .seconds(600))
        let before = try await probe.digest("fact_entity_values") + (try await probe.digest("millrace_load_ledger"))
        var robbed = once()
        let url = servers.postgresURL
        robbed.crashHook = { point in
            guard point == .afterCopy else { return }
            // The lease expires and another loader takes it (its token grows), while this load runs.
            try runPsql(url, schema: schema, "UPDATE millrace_lease SET expires_at = CURRENT_TIMESTAMP - INTERVAL '1 second'; "
                + thief.acquire.joined(separator: " "))
        }
        do {
            try await Loading.run(configuration, options: robbed, logger: logger)
            Issue.record("a loader whose lease was taken committed a load")
        } catch let error as LoaderError {
            #expect(error.code == .leaseLost, "\(error)")
        }
        let after = try await probe.digest("fact_entity_values") + (try await probe.digest("millrace_load_ledger"))
        #expect(before == after, "the refused load changed the warehouse")
        _ = more
    }

    @Test("a poison batch is quarantined for its table, the rest loads, freshness freezes; --retry-quarantined loads it after the fix")
    func poisonBatch() async throws {
        let servers = try TestServers.require()
        let folder = try TemporaryDirectory(prefix: "millrace-load-poison")
        defer { folder.remove() }
        let (dump, records) = try await PostgresLoadTests.stage(in: folder, count: 2000, seed: 404)
        // Damage one fact file: its Parquet footer no longer reads, as a file corrupted in storage.
        let victim = try #require(records.dropFirst().first { $0.files.contains { $0.table == "fact_entity_values" } })
        let file = try #require(victim.files.first { $0.table == "fact_entity_values" })
        let path = folder.path("staging").appendingPathComponent(file.key).path
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        var damaged = original
        damaged.replaceSubrange((damaged.count - 12)..<(damaged.count - 4), with: Data(repeating: 0xFF, count: 8))
        try damaged.write(to: URL(fileURLWithPath: path))

        let schema = PostgresProbe.uniqueSchema("poison")
        let configuration = PostgresLoadTests.loaderConfiguration(servers, folder: folder, schema: schema)
        let reports = try await Loading.run(configuration, options: once(), logger: logger)
        let quarantined = reports.flatMap(\.quarantined)
        #expect(quarantined.map { "\($0.batch)/\($0.table)" } == ["\(victim.batchID.rawValue)/fact_entity_values"])
        #expect(quarantined.first?.error.contains(file.key) == true)
        #expect(reports.last?.quarantinedTotal == 1)
        #expect(reports.last?.freshness.first { $0.table == "fact_entity_values" }?.frozen == true)
        #expect(reports.last?.freshness.first { $0.table == "dim_entities" }?.frozen == false)
        // The metrics alerts watch: the quarantine, and the age of the oldest batch whose staged
        // files wait unloaded (an hour after the victim was created, on the telemetry's clock).
        #expect(reports.last?.oldestUnloaded == victim.batchID)
        let anHourLater = Date(timeIntervalSince1970: Double(victim.batchID.createdAtMillis) / 1000 + 3600)
        let telemetry = Telemetry(logger: logger, now: { anHourLater })
        telemetry.emit(.loadCycle(try #require(reports.last)))
        let exposition = String(decoding: telemetry.exposition(), as: UTF8.self)
        #expect(exposition.contains("millrace_load_batches_quarantined 1"))
        #expect(exposition.contains("millrace_unloaded_batch_oldest_age_seconds 3600.0"), "\(exposition)")

        let probe = PostgresProbe(url: servers.postgresURL, schema: schema)
        #expect(try await probe.value("SELECT state FROM millrace_load_ledger WHERE batch_id = '\(victim.batchID.rawValue)' AND table_name = 'fact_entity_values'") == "quarantined")
        // The rest is in: the victim's other tables, and every other batch of the facts.
        #expect(try await probe.value("SELECT count(*) FROM millrace_load_ledger WHERE state = 'loaded'") == "\(expectedLedgerRows(records) - 1)")
        // A quarantine is not retried by itself.
        let next = try await Loading.run(configuration, options: once(), logger: logger)
        #expect(next.flatMap(\.loads).isEmpty && next.last?.quarantinedTotal == 1)

        try original.write(to: URL(fileURLWithPath: path))
        var retry = once()
        retry.retryQuarantined = true
        let retried = try await Loading.run(configuration, options: retry, logger: logger)
        #expect(retried.first?.loads.map(\.table) == ["fact_entity_values"])
        #expect(retried.last?.quarantinedTotal == 0)
        #expect(retried.last?.freshness.allSatisfy { !$0.frozen } == true)
        #expect(retried.last?.oldestUnloaded == nil)
        telemetry.emit(.loadCycle(try #require(retried.last)))
        #expect(String(decoding: telemetry.exposition(), as: UTF8.self).contains("millrace_unloaded_batch_oldest_age_seconds 0.0"))
        PostgresLoadTests.expectExact(try await PostgresLoadTests.oracle(servers, schema: schema, dump: dump))
        #expect(try await probe.value("SELECT count(*) FROM millrace_load_ledger WHERE state = 'loaded'") == "\(expectedLedgerRows(records))")
    }

    private func replay(_ dump: String, into folder: TemporaryDirectory) throws -> [CommitRecord] {
        var configuration = WorkerConfiguration()
        configuration.schemas.dir = PackagePaths.schemas.path
        configuration.pipeline.maxBatchRows = 700
        var options = WorkerOptions()
        options.outputDirectory = folder.path("staging").path
        return try FileReplay.run(configuration, inputs: [FileReplay.Input(path: dump, topic: nil)], options: options, logger: logger)
    }

    private func committedRecords(in folder: TemporaryDirectory) throws -> [CommitRecord] {
        let store = try LocalStagingStore(root: folder.path("staging"))
        return try store.list(prefix: StagingLayout.commitsPrefix).compactMap { try store.record($0.key) }
    }
}

/// Runs `sql` with psql on the calling thread (inside a crash hook, which is synchronous).
private func runPsql(_ url: String, schema: String, _ sql: String) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["psql", url + (url.contains("?") ? "&" : "?") + "options=-csearch_path%3D\(schema)", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql]
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw LoaderError(.warehouse, "psql failed in the test's hook") }
}
