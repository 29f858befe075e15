import Foundation
import MillraceTesting
import Testing

/// `make soak`'s harness (scripts/soak/) in its short mode, inside `make test`: the real
/// `millrace` binary as two workers and a loader, loadgen producing dirty traffic, ten kill -9s,
/// 20 % of S3 requests faulted through a proxy in front of moto, Kafka request errors and a broker
/// outage through the mock cluster's control, the loader's PostgreSQL backend terminated in its
/// transactions, a rebalance storm; then drained and judged against the truth computed from what
/// Kafka holds. Only properties are asserted, never how long anything took: on a loaded machine
/// the harness waits longer (its drain deadline is 15 minutes).
@Suite("Soak harness, short mode", .serialized)
struct SoakShortModeTests {
    @Test("ten kills and every fault kind: nothing lost, doubled or wrong; dead letters as injected; damage done on purpose is seen")
    func shortSoak() async throws {
        _ = try TestServers.require()
        let result = try await Subprocess.run([
            "python3", PackagePaths.root.appendingPathComponent("scripts/soak/soak.py").path, "--mode", "short", "--seed", "16",
            "--bin", PackagePaths.builtExecutable("millrace").path, "--self-check",
        ], check: false)
        let line = result.output.split(separator: "\n").last.map(String.init) ?? ""
        let report = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                                  "no report: exit \(result.status), \(result.stderr.suffix(2000)) \(result.output.suffix(2000))")
        let failures = report["failures"] as? [String] ?? ["no failures list"]
        #expect(result.status == 0 && report["passed"] as? Bool == true, "\(failures); logs in \(report["logs"] ?? "?")")
        let warehouse = report["warehouse"] as? [String: [String: Any]] ?? [:]
        for table in ["dim_entities", "fact_entity_values", "entity_attributes_hot"] {
            let counts = warehouse[table] ?? [:]
            #expect((counts["expected"] as? Int ?? 0) > 0 && counts["expected"] as? Int == counts["actual"] as? Int, "\(table): \(counts)")
            for what in ["lost", "duplicated", "wrong"] { #expect(counts[what] as? Int == 0, "\(table) \(what): \(counts)") }
        }
        #expect(warehouse["agg_daily_metrics"]?["mismatched_days"] as? Int == 0)
        let kills = report["kills"] as? [String: Int] ?? [:]
        #expect(kills.values.reduce(0, +) == 10, "\(kills)")
        let produced = report["produced"] as? [String: Any] ?? [:]
        #expect(produced["records"] as? Int == produced["in_kafka"] as? Int, "\(produced)")
        let dead = report["dead_letters"] as? [String: Any] ?? [:]
        #expect((dead["malformed_in_kafka"] as? Int ?? 0) > 0 && dead["dead_lettered"] as? Int == dead["malformed_in_kafka"] as? Int, "\(dead)")
        #expect(dead["missing"] as? Int == 0 && dead["unexpected"] as? Int == 0 && dead["bytes_altered"] as? Int == 0, "\(dead)")
        let faults = (report["s3"] as? [String: Any])?["faults"] as? [String: Int] ?? [:]
        #expect(faults.values.reduce(0, +) > 0, "no S3 fault was injected: \(faults)")
        #expect((report["freshness"] as? [String: Any])?["ahead_of_truth"] as? Int == 0)
        // The harness is not vacuous: one fact deleted and one entity altered are seen as such.
        #expect(report["self_check"] as? [String: Int] == ["lost": 1, "wrong": 1], "\(report["self_check"] ?? "none")")
    }
}
