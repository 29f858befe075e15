import Foundation
import Loader
import MillraceTesting
import Runtime
import Staging
import Synchronization
import Testing

/// The loader's PostgreSQL backend terminated by the server (`pg_terminate_backend`, as an
/// operator or a failover does) at a step of a load transaction, found by the soak harness
/// (`scripts/soak/`, seed 11, short mode): the loader went on using the dead connection, its
/// ROLLBACK or next statement waited forever (postgres-nio never answers a query written to a
/// closed connection), and loading stopped for good. Now the cycle fails as a connection failure,
/// the next one connects again, and every row is loaded once.
@Suite("Loader losing its PostgreSQL connection", .serialized)
struct LoaderConnectionLossTests {
    @Test("a backend terminated inside a load fails that cycle (never hangs); the next loads every row once",
          arguments: [LoaderCrashPoint.beforeCopy, .afterCopy, .beforeCommit])
    func terminatedBackend(_ point: LoaderCrashPoint) async throws {
        let servers = try TestServers.require()
        let folder = try TemporaryDirectory(prefix: "millrace-load-terminated")
        defer { folder.remove() }
        let (dump, records) = try await PostgresLoadTests.stage(in: folder, count: 1500, seed: 404)
        let schema = PostgresProbe.uniqueSchema("terminated")
        // The loader connects as a role of its own, so only its backend is terminated (the
        // server is shared with the rest of the suite).
        let role = "loader_\(schema)"
        let probe = PostgresProbe(url: servers.postgresURL, schema: schema)
        try await probe.execute("CREATE ROLE \(role) LOGIN SUPERUSER")
        var configuration = PostgresLoadTests.loaderConfiguration(servers, folder: folder, schema: schema)
        configuration.warehouse.url = servers.postgresURL.replacingOccurrences(of: "://millrace@", with: "://\(role)@")
        var options = Loading.Options()
        options.once = true
        let fired = Atomic<Bool>(false)
        let url = servers.postgresURL
        options.crashHook = { reached in
            guard reached == point, !fired.exchange(true, ordering: .relaxed) else { return }
            try terminateBackends(url, role: role)
        }
        let settings = configuration
        let terminating = options
        let first = await finishes(within: .seconds(180)) {
            try await Loading.run(settings, options: terminating, logger: PostgresLoadTests.quiet)
        }
        let didFire = fired.load(ordering: .relaxed)
        #expect(didFire)
        switch first {
        case nil:
            Issue.record("the loader hung after its backend was terminated at \(point)")
            return
        case .failure(let error as LoaderError)?:
            #expect(error.code == .connection, "\(error)")
        case .failure(let error)?:
            Issue.record("unexpected error \(error)")
        case .success?:
            Issue.record("a load whose backend was terminated at \(point) reported success")
        }
        options.crashHook = nil
        let plain = options
        let second = await finishes(within: .seconds(180)) {
            try await Loading.run(settings, options: plain, logger: PostgresLoadTests.quiet)
        }
        guard case .success(let reports)? = second else {
            Issue.record("the next run did not load: \(String(describing: second))")
            return
        }
        #expect(reports.last?.isBehind == false)
        PostgresLoadTests.expectExact(try await PostgresLoadTests.oracle(servers, schema: schema, dump: dump), "terminated at \(point): ")
        let expected = records.reduce(0) { $0 + Set($1.files.map(\.table)).count }
        #expect(Int(try await probe.value("SELECT count(*) FROM millrace_load_ledger WHERE state = 'loaded'")) == expected)
        #expect(try await probe.value("SELECT count(*) FROM (SELECT batch_id, table_name FROM millrace_load_ledger GROUP BY 1, 2 HAVING count(*) > 1) d") == "0")
    }

    /// The outcome of `body`, or nil when it has not finished within `limit` (a hang: its task
    /// is left behind, since a task waiting on a continuation no one resumes cannot be stopped).
    private func finishes<T: Sendable>(within limit: Duration, _ body: @escaping @Sendable () async throws -> T) async -> Result<T, any Error>? {
        let outcome = Mutex<Result<T, any Error>?>(nil)
        let task = Task {
            let result: Result<T, any Error>
            do { result = .success(try await body()) } catch { result = .failure(error) }
            outcome.withLock { $0 = result }
        }
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if let result = outcome.withLock({ $0 }) { return result }
            try? await Task.sleep(for: .milliseconds(100))
        }
        task.cancel()
        return nil
    }
}

/// Terminates every backend of `role` and waits until they are gone and the client has had a
/// moment to see its connection close (inside a crash hook, which is synchronous).
private func terminateBackends(_ url: String, role: String) throws {
    func psql(_ sql: String) throws -> String {
        let process = Process()
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["psql", url, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql]
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw LoaderError(.warehouse, "psql failed in the test's hook") }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
    _ = try psql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '\(role)'")
    for _ in 0..<100 where try psql("SELECT count(*) FROM pg_stat_activity WHERE usename = '\(role)'") != "0" {
        usleep(50_000)
    }
    usleep(200_000)
}
