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
}
