import Catalog
import Foundation
import LoadGen
import Loader
import MillraceTesting
import Runtime
import Staging
import Testing

/// A fresh schema on the test PostgreSQL server that staging folders are loaded into by the
/// loader (`Loading.run --once`, what `millrace load --once` runs), checked against
/// `scripts/testing/warehouse_oracle.py` (which computes the truth from the source records,
/// independently of Millrace) and read back with psql.
struct BackfillWarehouse {
    let servers: TestServers
    let schema: String
    var probe: PostgresProbe { PostgresProbe(url: servers.postgresURL, schema: schema) }

    init(_ servers: TestServers, prefix: String) {
        self.servers = servers
        schema = PostgresProbe.uniqueSchema(prefix)
    }

    /// Loads every committed batch of the staging folder `folder` the ledger lacks, a few
    /// batches per load (so a backlog takes several cycles and loads of live and backfilled
    /// batches interleave), and expects every load to succeed.
    func load(_ folder: String) async throws {
        var configuration = WorkerConfiguration()
        configuration.schemas.dir = PackagePaths.schemas.path
        configuration.staging.localDir = folder
        configuration.warehouse.dialect = .postgres
        configuration.warehouse.url = servers.postgresURL
        configuration.warehouse.schema = schema
        configuration.warehouse.maxBatchesPerLoad = 3
        configuration.observability.listen = ""
        var options = Loading.Options()
        options.once = true
        options.servesHealth = false
        let reports = try await Loading.run(configuration, options: options, logger: PostgresLoadTests.quiet)
        #expect(reports.allSatisfy { $0.quarantined.isEmpty } && reports.last?.quarantinedTotal == 0, "a batch was quarantined")
        #expect(reports.last?.waiting == 0, "pairs left waiting")
    }

    /// Writes `records` as a kcat `-J` dump for the oracle.
    static func dump(_ records: [LoadRecord], to path: String) async throws {
        let sink = try FileRecordSink(path: path, format: .kcat)
        for record in records { try await sink.write(record) }
        try await sink.finish()
    }

    /// The oracle's verdict on the schema for the source records in `dump`; with `facts`, only
    /// the facts whose event time lies in that range (ms) are expected.
    func oracle(dump: String, facts: Range<Int64>? = nil) async throws -> [String: Any] {
        var arguments = [
            "python3", PackagePaths.root.appendingPathComponent("scripts/testing/warehouse_oracle.py").path,
            "--pg", servers.postgresURL, "--schema", schema, "--kcat", dump,
        ]
        if let facts { arguments += ["--facts-from", "\(facts.lowerBound)", "--facts-to", "\(facts.upperBound)"] }
        let output = try await Subprocess.run(arguments).output
        return try #require(try JSONSerialization.jsonObject(with: Data((output.split(separator: "\n").last ?? "").utf8)) as? [String: Any])
    }

    /// Expects the facts to be exactly the oracle's (`expected` of them, at least one): every
    /// (entity_id, version) once, with its source values.
    static func expectFacts(_ result: [String: Any], count expected: Int? = nil, _ comment: String) {
        for name in ["facts", "fact_rows"] {
            let counts = result[name] as? [Int] ?? []
            #expect(counts.count == 3 && counts[0] > 0 && counts[0] == counts[1] && counts[2] == 0 && (expected.map { $0 == counts[0] } ?? true),
                "\(comment): \(name) expected, actual, wrong = \(counts) (wanted \(expected.map(String.init) ?? "any")); \(result["samples"] ?? "")")
        }
        #expect((result["duplicates"] as? [String: Int])?["fact_entity_values"] == 0, "\(comment): a key loaded twice: \(result["duplicates"] ?? "")")
    }

    /// The (batch, table) pairs of `records`: what the ledger must hold once each.
    static func pairs(_ records: [CommitRecord]) -> Set<[String]> {
        Set(records.flatMap { record in record.files.map { [record.batchID.rawValue, $0.table] } })
    }

    /// The ledger's rows as (batch, table) pairs, and how many rows are not `loaded`.
    func ledger() async throws -> (pairs: [[String]], notLoaded: Int) {
        let rows = try await probe.rows("SELECT batch_id, table_name, state FROM millrace_load_ledger")
        return (rows.map { [$0[0], $0[1]] }, rows.filter { $0[2] != "loaded" }.count)
    }

    /// Expects the ledger to hold exactly one loaded row per (batch, table) of `records`.
    func expectLedger(_ records: [CommitRecord], _ comment: String) async throws {
        let ledger = try await ledger()
        let expected = Self.pairs(records)
        #expect(ledger.pairs.count == Set(ledger.pairs).count, "\(comment): a (batch, table) pair twice in the ledger")
        #expect(Set(ledger.pairs) == expected, "\(comment): the ledger holds \(ledger.pairs.count) pairs, the commit log \(expected.count)")
        #expect(ledger.notLoaded == 0, "\(comment): ledger rows not loaded")
    }

    /// The facts' source columns, digested (to compare two warehouses that must be equal).
    func factDigest() async throws -> String {
        try await probe.value(
            "SELECT count(*) || ':' || coalesce(md5(string_agg(concat_ws(',', entity_id, version, tenant_id, attribute_id, value, value_int, "
                + "value_decimal, ingested_at), '|' ORDER BY entity_id, version)), '') FROM fact_entity_values")
    }
}
