import Engine
import Foundation
import MillraceTesting
import Staging
import Testing

/// `millrace demo`, the README's first command, as a user runs it: the real binary, its report
/// checked against the commit records it left behind.
@Suite("millrace demo")
struct DemoCommandTests {
    @Test("the demo commits its traffic and reports files per table and hour, rows, duplicates, misses and dead letters truthfully")
    func report() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let output = folder.path("demo").path
        let millrace = PackagePaths.builtExecutable("millrace").path
        let result = try await Subprocess.run([millrace, "demo", "--output", output, "--schemas", PackagePaths.schemas.path])
        let report = result.output

        let records = try PipelineFixture.committedRecords(in: URL(fileURLWithPath: output))
        #expect(records.count >= 2, "the demo should commit several batches")
        let files = records.flatMap(\.files)
        func line(_ label: String) -> String? {
            report.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix(label) }.map(String.init)
        }
        #expect(report.contains("Millrace demo: \(records.count) batches committed exactly once to \(output)"), "\(report)")
        #expect(line("records produced") == "  records produced   5000")
        #expect(line("records consumed") == "  records consumed   \(records.reduce(0) { $0 + $1.stats.recordsIn })")
        #expect(records.reduce(0) { $0 + $1.stats.recordsIn } == 5000, "every produced record is consumed once")
        #expect(line("rows staged") == "  rows staged        \(files.reduce(0) { $0 + $1.rows })")
        let duplicates = records.reduce(0) { $0 + $1.stats.duplicatesRemoved }
        #expect(duplicates > 0 && line("duplicates removed") == "  duplicates removed \(duplicates)")
        var reasons: [String: Int] = [:]
        for record in records { reasons.merge(record.deadLetters?.reasons ?? [:], uniquingKeysWith: +) }
        #expect(!reasons.isEmpty && line("dead letters") == "  dead letters       \(reasons.values.reduce(0, +)):")
        for (reason, count) in reasons { #expect(report.contains("    \(reason): \(count)\n"), "\(reason)") }
        #expect(line("enrichment misses  dim_attributes") != nil && line("enrichment misses  dim_entities") != nil)
        #expect(report.contains("schema change      fact_entity_values v1 → v2"))
        for (group, members) in Dictionary(grouping: files, by: { "\($0.table)  \($0.hour)" }) {
            let expected = "    \(group)  \(members.count) file(s), \(members.reduce(0) { $0 + $1.rows }) rows, "
                + "\(members.reduce(Int64(0)) { $0 + $1.bytes }) bytes"
            #expect(report.contains(expected + "\n") || report.hasSuffix(expected), "missing: \(expected)")
        }

        // The inspect command it suggests works on a real file; the loader SQL it points at exists.
        // Copied as printed: it names this binary, so it works without millrace on the PATH.
        let suggested = try #require(line("look inside one:")?.split(separator: ":", maxSplits: 1).last)
            .split(separator: " ").map(String.init)
        #expect(suggested.first == millrace && suggested.dropFirst().first == "inspect", "\(suggested)")
        let inspected = try await Subprocess.run(suggested)
        #expect(inspected.output.contains("fact_entity_values") || inspected.output.contains("row group"), "\(inspected.output.prefix(300))")
        let sql = try String(contentsOfFile: output + "/load.sql", encoding: .utf8)
        #expect(sql.contains("FORMAT AS PARQUET MANIFEST") && sql.contains("MERGE INTO"))
        #expect(line("loader SQL:") == "  loader SQL:        \(output)/load.sql")
    }

    @Test("with a PostgreSQL server the demo loads it and reports rows per table, the aggregate and data as of, without a warning")
    func loadsIntoPostgres() async throws {
        let servers = try TestServers.require()
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let output = folder.path("demo").path
        let result = try await Subprocess.run([
            PackagePaths.builtExecutable("millrace").path, "demo", "--output", output, "--schemas", PackagePaths.schemas.path,
            "--warehouse-url", servers.postgresURL,
        ])
        let report = result.output
        let probe = PostgresProbe(url: servers.postgresURL, schema: "millrace_demo")
        for table in ["dim_entities", "fact_entity_values", "entity_attributes_hot", "agg_daily_metrics", "millrace_load_ledger"] {
            let count = try await probe.value("SELECT count(*) FROM \(table)")
            #expect(Int(count) ?? 0 > 0, "\(table) is empty")
            #expect(report.contains("    \(table.padding(toLength: 24, withPad: " ", startingAt: 0)) \(count) rows\n"), "\(table): \(report)")
        }
        #expect(try await probe.value("SELECT count(*) FROM millrace_load_ledger WHERE state <> 'loaded'") == "0")
        let label = try await probe.value("SELECT label FROM millrace_data_as_of")
        #expect(label.hasPrefix("Data as of ") && report.contains(label))
        let busiest = try await probe.rows("SELECT metric_date, tenant_id, attribute_id, sample_count FROM agg_daily_metrics WHERE value_avg IS NOT NULL ORDER BY sample_count DESC, tenant_id, attribute_id LIMIT 1")
        #expect(report.contains("    " + (busiest.first ?? []).joined(separator: "  ")), "\(report)")
        // A normal run prints no error or warning, the Kafka client's shutdown included.
        for line in (report + "\n" + result.stderr).split(separator: "\n") {
            #expect(!line.lowercased().contains("error") && !line.lowercased().contains("warning"), "\(line)")
        }
    }
}
