import Foundation
import MillraceTesting
import Staging
import Testing

/// `millrace load` as an operator runs it: the real binary, its exit statuses and output.
@Suite("millrace load")
struct LoadProcessTests {
    private var millrace: String { PackagePaths.builtExecutable("millrace").path }

    private func config(_ folder: TemporaryDirectory, _ text: String) throws -> String {
        let path = folder.path("millrace.yaml")
        try text.write(to: path, atomically: true, encoding: .utf8)
        return path.path
    }

    @Test("--once loads what is committed and exits 0; a second --once finds nothing; --dry-run prints the SQL and runs none")
    func onceAndDryRun() async throws {
        let servers = try TestServers.require()
        let folder = try TemporaryDirectory(prefix: "millrace-load-process")
        defer { folder.remove() }
        let (_, records) = try await PostgresLoadTests.stage(in: folder, count: 1200, seed: 505)
        let schema = PostgresProbe.uniqueSchema("cli")
        let path = try config(folder, """
            schemas: {dir: '\(PackagePaths.schemas.path)'}
            staging: {local_dir: '\(folder.path("staging").path)'}
            warehouse: {dialect: postgres, url: '\(servers.postgresURL)', schema: \(schema)}
            observability: {listen: '', log_level: warning}
            """)
        let dry = try await Subprocess.run([millrace, "load", "--config", path, "--dry-run"])
        #expect(dry.output.contains("-- \(records.count) committed batches in "))
        #expect(dry.output.contains("MERGE INTO \"\(schema)\".\"fact_entity_values\""))
        #expect(dry.output.contains("-- the PostgreSQL loader streams the rows of"))
        let probe = PostgresProbe(url: servers.postgresURL, schema: schema)
        #expect(try await probe.value("SELECT count(*) FROM information_schema.schemata WHERE schema_name = '\(schema)'") == "0",
                "a dry run touched the warehouse")

        let first = try await Subprocess.run([millrace, "load", "--config", path, "--once"])
        #expect(first.output.contains("fact_entity_values: \(records.count(where: { $0.files.contains { $0.table == "fact_entity_values" } })) batches"), "\(first.output)")
        #expect(first.output.contains("fact_entity_values data as of "))
        let again = try await Subprocess.run([millrace, "load", "--config", path, "--once"])
        #expect(again.output.hasPrefix("load: cycle in ") && again.output.contains(", 0 table loads, 0 (batch, table) pairs waiting, 0 quarantined"))
    }

    @Test("configuration errors exit 2 with one clear line; an unreachable warehouse exits 1 naming it, never the password", arguments: [
        ("warehouse: {dialect: postgres}", 2, "warehouse.url"),
        ("warehouse: {dialect: oracle}", 2, "expected redshift or postgres"),
        ("warehouse: {dialect: redshift}", 2, "set staging.bucket"),
        ("warehouse: {dialect: postgres, url: 'postgresql://loader:s3cret@127.0.0.1:1/w?sslmode=disable'}", 1, "cannot connect to the warehouse at postgresql://loader@127.0.0.1:1/w"),
    ])
    func failures(_ warehouse: String, _ status: Int32, _ message: String) async throws {
        let folder = try TemporaryDirectory(prefix: "millrace-load-process")
        defer { folder.remove() }
        let path = try config(folder, """
            schemas: {dir: '\(PackagePaths.schemas.path)'}
            staging: {local_dir: '\(folder.path("staging").path)'}
            \(warehouse)
            observability: {listen: '', log_level: critical}
            """)
        let result = try await Subprocess.run([millrace, "load", "--config", path, "--once"], check: false)
        #expect(result.status == status, "\(result.stderr)")
        #expect(result.stderr.contains("millrace: ") && result.stderr.contains(message), "\(result.stderr)")
        #expect(!result.stderr.contains("s3cret") && !result.output.contains("s3cret"))
    }

    @Test("reload after a truncate: --force restores the window with a progress line and a summary; without it nothing is loaded again; bad bounds are usage errors, a bad configuration exits 2")
    func reload() async throws {
        let servers = try TestServers.require()
        let folder = try TemporaryDirectory(prefix: "millrace-reload-process")
        defer { folder.remove() }
        let (_, records) = try await PostgresLoadTests.stage(in: folder, count: 1200, seed: 808, rate: 0.2, heartbeatMs: 600_000)
        let schema = PostgresProbe.uniqueSchema("clireload")
        let path = try config(folder, """
            schemas: {dir: '\(PackagePaths.schemas.path)'}
            staging: {local_dir: '\(folder.path("staging").path)'}
            warehouse: {dialect: postgres, url: '\(servers.postgresURL)', schema: \(schema)}
            observability: {listen: '', log_level: warning}
            """)
        _ = try await Subprocess.run([millrace, "load", "--config", path, "--once"])
        let probe = PostgresProbe(url: servers.postgresURL, schema: schema)
        let loaded = try await probe.digest("fact_entity_values")
        try await probe.execute("TRUNCATE fact_entity_values")
        // loadgen's events start at 2026-11-20T00:00:00Z (LoadGenConfiguration.startMs).
        let forced = try await Subprocess.run([millrace, "reload", "--config", path, "--from", "2026-11-20", "--to", "2026-11-21",
            "--tables", "fact_entity_values", "--force"])
        let facts = records.count { $0.files.contains { $0.table == "fact_entity_values" } }
        #expect(forced.stderr.contains("reload: done in "), "\(forced.stderr)")
        #expect(forced.stderr.contains("merged again fact_entity_values: \(facts) batches"), "\(forced.stderr)")
        // Without a terminal, progress is a line (at least the last one, with the whole known).
        #expect(forced.stderr.contains("reload: ") && forced.stderr.contains("100.0% of "), "\(forced.stderr)")
        #expect(try await probe.digest("fact_entity_values") == loaded)
        let idle = try await Subprocess.run([millrace, "reload", "--config", path, "--from", "2026-11-20", "--to", "2026-11-21"])
        #expect(idle.stderr.contains("loaded: nothing") && idle.stderr.contains("merged again: nothing"), "\(idle.stderr)")
        #expect(idle.stderr.contains("already loaded: \(records.reduce(0) { $0 + Set($1.files.map(\.table)).count }) (batch, table) pairs"), "\(idle.stderr)")

        let badBound = try await Subprocess.run([millrace, "reload", "--config", path, "--from", "yesterday", "--to", "2026-11-21"], check: false)
        #expect(badBound.status == 64 && badBound.stderr.contains("--from yesterday is not an ISO-8601 instant or date"), "\(badBound.stderr)")
        let empty = try await Subprocess.run([millrace, "reload", "--config", path, "--from", "2026-11-21", "--to", "2026-11-20"], check: false)
        #expect(empty.status == 2 && empty.stderr.contains("millrace: ") && empty.stderr.contains("is not before --to"), "\(empty.stderr)")
        let noWarehouse = try config(folder, """
            schemas: {dir: '\(PackagePaths.schemas.path)'}
            staging: {local_dir: '\(folder.path("staging").path)'}
            warehouse: {dialect: postgres}
            """)
        let unconfigured = try await Subprocess.run([millrace, "reload", "--config", noWarehouse, "--from", "2026-11-20", "--to", "2026-11-21"],
            check: false)
        #expect(unconfigured.status == 2 && unconfigured.stderr.contains("warehouse.url"), "\(unconfigured.stderr)")
    }
}
