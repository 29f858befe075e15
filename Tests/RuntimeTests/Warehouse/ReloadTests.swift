import Catalog
import Engine
import Foundation
import LoadGen
import Loader
import MillraceTesting
import Runtime
import Staging
import Synchronization
import Testing
import Warehouse

/// `millrace reload` on a real PostgreSQL server: staged batches of a time window loaded again
/// after a target was truncated, idempotent through the ledger without `--force`, a crash at
/// every step of a forced reload leaving the warehouse as it was, and a reload beside a live
/// loader that holds its lease. The source spans several hours of event time, so windows
/// select some staged files and not others.
@Suite("Reload on PostgreSQL", .serialized)
struct ReloadTests {
    private let logger = PostgresLoadTests.quiet
    /// loadgen's first event (`LoadGenConfiguration.startMs`, 2026-11-20T00:00:00Z).
    private let start = LoadGenConfiguration().startMs
    private let hour: Int64 = 3_600_000

    private func once() -> Loading.Options {
        var options = Loading.Options()
        options.once = true
        return options
    }

    private func reload(_ configuration: WorkerConfiguration, hours: Range<Int64>, tables: Set<String>? = nil, force: Bool,
                        crashHook: LoaderCrashHook? = nil) async throws -> ReloadReport {
        var options = Loading.Options()
        options.crashHook = crashHook
        let request = ReloadRequest(fromMillis: start + hours.lowerBound * hour, toMillis: start + hours.upperBound * hour, tables: tables,
            force: force)
        return try await Loading.reload(configuration, request: request, options: options, progress: .silent, logger: logger)
    }

    /// The target tables (everything but the loader's own), each with a digest of its rows
    /// (without the aggregate's `refreshed_at`, the time of its last refresh).
    private func targets(_ probe: PostgresProbe) async throws -> [String: String] {
        var digests: [String: String] = [:]
        for row in try await probe.rows("SELECT table_name, string_agg(column_name, ', ' ORDER BY ordinal_position) FROM information_schema.columns "
            + "WHERE table_schema = '\(probe.schema)' AND table_name NOT LIKE 'millrace%' AND table_name NOT LIKE 'snapshot%' "
            + "AND column_name <> 'refreshed_at' GROUP BY table_name")
        {
            digests[row[0]] = try await probe.digest("(SELECT \(row[1]) FROM \(row[0]))")
        }
        return digests
    }

    @Test("after a truncate, --force restores a window's rows and the whole range the first load exactly; without --force nothing changes; a crash at any step of a forced reload changes nothing and the rerun completes")
    func forcedReload() async throws {
        let servers = try TestServers.require()
        let folder = try TemporaryDirectory(prefix: "millrace-reload")
        defer { folder.remove() }
        // 2,400 events at one per 5 s of source time: 3h20m of event time, files in four hours.
        let (dump, records) = try await PostgresLoadTests.stage(in: folder, count: 2400, seed: 606, rate: 0.2, heartbeatMs: 600_000)
        let hours = Set(records.flatMap(\.files).map(\.hour))
        #expect(hours.count >= 4, "\(hours)")
        let schema = PostgresProbe.uniqueSchema("reload")
        let configuration = PostgresLoadTests.loaderConfiguration(servers, folder: folder, schema: schema)
        try await Loading.run(configuration, options: once(), logger: logger)
        PostgresLoadTests.expectExact(try await PostgresLoadTests.oracle(servers, schema: schema, dump: dump))
        let probe = PostgresProbe(url: servers.postgresURL, schema: schema)
        let loaded = try await targets(probe)
        let ledger = try await probe.digest("millrace_load_ledger")
        let freshness = try await probe.digest("millrace_freshness")
        #expect(loaded["fact_entity_values"]?.hasPrefix("0:") == false)

        // Without --force: every pair of the range is in the ledger, so nothing is loaded.
        let idle = try await reload(configuration, hours: 0..<5, force: false)
        #expect(idle.loaded.isEmpty && idle.remerged.isEmpty)
        #expect(idle.alreadyLoaded == records.reduce(0) { $0 + Set($1.files.map(\.table)).count })
        #expect(try await targets(probe) == loaded)
        #expect(try await probe.digest("millrace_load_ledger") == ledger)

        try await probe.execute("CREATE TABLE snapshot_facts AS SELECT * FROM fact_entity_values")
        let truncate = "TRUNCATE fact_entity_values, agg_daily_metrics"
        // A crash at each step of a forced reload's first load: nothing of it is committed
        // (after COMMIT returned, that load is), and running it again restores everything.
        for point in LoaderCrashPoint.allCases {
            try await probe.execute(truncate)
            let fired = Atomic<Bool>(false)
            do {
                _ = try await reload(configuration, hours: 0..<5, tables: ["fact_entity_values", "agg_daily_metrics"], force: true,
                    crashHook: { reached in
                        if reached == point && !fired.exchange(true, ordering: .relaxed) { throw SimulatedCrash(at: .afterIntent) }
                    })
                Issue.record("the reload did not stop at \(point)")
            } catch let error as LoaderError {
                #expect(error.code == .crashed, "\(error)")
            }
            let committedRows = try await probe.value("SELECT count(*) FROM fact_entity_values")
            #expect(point == .afterCommit ? committedRows != "0" : committedRows == "0", "after a crash at \(point): \(committedRows) rows")
            // The lease was given up at once: the same command runs again without waiting.
            let rerun = try await reload(configuration, hours: 0..<5, tables: ["fact_entity_values"], force: true)
            #expect(rerun.remerged.reduce(0) { $0 + $1.batches } == records.count { $0.files.contains { $0.table == "fact_entity_values" } })
            let restored = try await targets(probe)
            #expect(restored == loaded, "after a crash at \(point) and the rerun: \(restored.filter { loaded[$0.key] != $0.value }.keys.sorted())")
            #expect(try await probe.digest("millrace_load_ledger") == ledger)
        }

        // A window of one hour: every row whose newest change lies in it comes back as it was;
        // rows of other hours do not. The whole range then gives the first load exactly.
        try await probe.execute(truncate)
        let window = try await reload(configuration, hours: 1..<2, tables: ["fact_entity_values"], force: true)
        #expect(!window.remerged.isEmpty && window.loaded.isEmpty)
        let inWindow = "ingested_at >= to_timestamp(\((start + hour) / 1000)) AND ingested_at < to_timestamp(\((start + 2 * hour) / 1000))"
        let expected = try await probe.value("SELECT count(*) FROM snapshot_facts WHERE \(inWindow)")
        #expect(Int(expected) ?? 0 > 0)
        #expect(try await probe.value("SELECT count(*) FROM (SELECT * FROM snapshot_facts WHERE \(inWindow) EXCEPT SELECT * FROM fact_entity_values) missing") == "0")
        #expect(try await probe.value("SELECT count(*) FROM fact_entity_values WHERE NOT (\(inWindow))") == "0")
        _ = try await reload(configuration, hours: 0..<5, force: true)
        #expect(try await targets(probe) == loaded)
        PostgresLoadTests.expectExact(try await PostgresLoadTests.oracle(servers, schema: schema, dump: dump), "after the forced reload: ")
        #expect(try await probe.digest("millrace_load_ledger") == ledger)
        #expect(try await probe.digest("millrace_freshness") == freshness, "a reload of old batches moved data-as-of")
    }

    @Test("beside a live loader holding its lease, a reload loads the window's pending batches whole with their ledger rows; the loader then loads the rest, nothing twice; a second reload at once is refused")
    func besideTheLiveLoader() async throws {
        let servers = try TestServers.require()
        let folder = try TemporaryDirectory(prefix: "millrace-reload-live")
        defer { folder.remove() }
        let (dump, records) = try await PostgresLoadTests.stage(in: folder, count: 2400, seed: 707, rate: 0.2, heartbeatMs: 600_000)
        let schema = PostgresProbe.uniqueSchema("reloadlive")
        let configuration = PostgresLoadTests.loaderConfiguration(servers, folder: folder, schema: schema)
        let probe = PostgresProbe(url: servers.postgresURL, schema: schema)
        let live = LeaseStatements(dialect: .postgres, schema: schema, name: configuration.leaseName, holder: "live-loader", ttl: .seconds(600))
        try await probe.execute((live.createTables + live.acquire).joined(separator: "\n"))
        let other = LeaseStatements(dialect: .postgres, schema: schema, name: configuration.leaseName + "-reload", holder: "other-reload",
            ttl: .seconds(600))
        try await probe.execute(other.acquire.joined(separator: "\n"))
        do {
            _ = try await reload(configuration, hours: 1..<2, force: false)
            Issue.record("a reload ran while another held the reload lease")
        } catch let error as LoaderError {
            #expect(error.code == .leaseLost && error.message.contains("other-reload"), "\(error)")
        }
        try await probe.execute(other.release)

        let report = try await reload(configuration, hours: 1..<2, force: false)
        #expect(report.liveHolder == "live-loader")
        let touched = records.filter { record in
            record.files.contains { file in
                guard let hour = UTCHour(file.hour) else { return false }
                return hour.hoursSinceEpoch * self.hour == start + self.hour
            }
        }
        #expect(!touched.isEmpty && touched.count < records.count)
        let tablesInWindow = touched.reduce(0) { total, record in
            total + Set(record.files.filter { UTCHour($0.hour)?.hoursSinceEpoch == (start + hour) / hour }.map(\.table)).count
        }
        // At least every pair with a file in the window (a batch's other pending pairs of the
        // same tables may come along), and not everything.
        let pairsLoaded = report.loaded.reduce(0) { $0 + $1.batches }
        let allPairs = records.reduce(0) { $0 + Set($1.files.map(\.table)).count }
        #expect(pairsLoaded >= tablesInWindow && pairsLoaded < allPairs, "\(pairsLoaded) of \(allPairs), \(tablesInWindow) in the window")
        #expect(try await probe.value("SELECT count(*) FROM millrace_load_ledger") == "\(pairsLoaded)")
        // Each pending pair loaded whole: its ledger row counts every file the batch staged for
        // the table, inside the window or not.
        for record in touched {
            for table in Set(record.files.filter { UTCHour($0.hour)?.hoursSinceEpoch == (start + hour) / hour }.map(\.table)) {
                let files = record.files.filter { $0.table == table }
                #expect(try await probe.value("SELECT files || '/' || rows_staged FROM millrace_load_ledger WHERE batch_id = '\(record.batchID)' "
                    + "AND table_name = '\(table)'") == "\(files.count)/\(files.reduce(0) { $0 + $1.rows })")
            }
        }

        // The live loader gets its lease back (here: it expires) and loads the rest.
        try await probe.execute(live.release)
        try await Loading.run(configuration, options: once(), logger: logger)
        PostgresLoadTests.expectExact(try await PostgresLoadTests.oracle(servers, schema: schema, dump: dump))
        #expect(Int(try await probe.value("SELECT count(*) FROM millrace_load_ledger WHERE state = 'loaded'")) == allPairs)
        #expect(try await probe.value("SELECT count(*) FROM (SELECT batch_id, table_name FROM millrace_load_ledger GROUP BY 1, 2 HAVING count(*) > 1) d") == "0")
    }
}
