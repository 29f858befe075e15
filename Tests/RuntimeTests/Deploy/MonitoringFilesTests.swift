import Foundation
import MillraceTesting
import Runtime
import Testing
import Yams

/// deploy/prometheus and deploy/grafana against the code: every metric an alert or a panel
/// reads is one the code exports (the `MetricName` catalog), the PrometheusRule carries the
/// plain rules file's groups, and the alerts the runbook promises exist. (`promtool check rules`
/// and `promtool test rules` run on the same files in `make test`, scripts/check-deploy.sh.)
@Suite("Monitoring files")
struct MonitoringFilesTests {
    static let prometheus = PackagePaths.root.appendingPathComponent("deploy/prometheus")

    static func yaml(_ url: URL) throws -> [String: Any] {
        try #require(try Yams.load(yaml: String(contentsOf: url, encoding: .utf8)) as? [String: Any], "\(url.path)")
    }

    /// The `millrace_*` and `process_*` names an expression reads, histogram series suffixes
    /// taken back to their family.
    static func metrics(in expression: String) -> Set<String> {
        let catalog = Dictionary(uniqueKeysWithValues: MetricName.allCases.map { ($0.name, $0.descriptor.kind) })
        var names: Set<String> = []
        var current = ""
        for character in expression + " " {
            if character.isLetter || character.isNumber || character == "_" || character == ":" {
                current.append(character)
                continue
            }
            if current.hasPrefix("millrace_") || current.hasPrefix("process_") {
                let family = ["_bucket", "_count", "_sum"].first { current.hasSuffix($0) }
                    .map { String(current.dropLast($0.count)) }
                names.insert(family.flatMap { catalog[$0] == .histogram ? $0 : nil } ?? current)
            }
            current = ""
        }
        return names
    }

    static func rules() throws -> [[String: Any]] {
        let file = try yaml(prometheus.appendingPathComponent("millrace-rules.yaml"))
        let groups = try #require(file["groups"] as? [[String: Any]])
        return groups.flatMap { ($0["rules"] as? [[String: Any]]) ?? [] }
    }

    @Test("every metric an alert reads is in the catalog, and each alert has a severity, a summary and a description")
    func alertsReadExportedMetrics() throws {
        let exported = Set(MetricName.allCases.map(\.name))
        let rules = try Self.rules()
        #expect(rules.count >= 11)
        for rule in rules {
            let name = try #require(rule["alert"] as? String)
            let expression = try #require(rule["expr"] as? String, "\(name)")
            let read = Self.metrics(in: expression)
            #expect(!read.isEmpty, "\(name) reads no Millrace metric")
            #expect(read.subtracting(exported).sorted() == [], "\(name) reads metrics the code does not export")
            let labels = rule["labels"] as? [String: Any]
            #expect(["warning", "critical"].contains(labels?["severity"] as? String ?? ""), "\(name)")
            let annotations = rule["annotations"] as? [String: Any]
            #expect(annotations?["summary"] is String && annotations?["description"] is String, "\(name)")
        }
    }

    @Test("the issue's alerts are all there: lag 100K/500K, freshness 5/15 min, slow loads, dead letters, quarantine, stale lag, a stuck worker, expiring files")
    func requiredAlerts() throws {
        let byName = Dictionary(uniqueKeysWithValues: try Self.rules().map { ($0["alert"] as? String ?? "", $0["expr"] as? String ?? "") })
        let expected: [String: String] = [
            "MillraceConsumerLagHigh": "> 100000", "MillraceConsumerLagCritical": "> 500000",
            "MillraceWarehouseFreshnessWarning": "> 300", "MillraceWarehouseFreshnessCritical": "> 900",
            "MillraceLoadCycleSlow": #"le="300.0""#, "MillraceDeadLettersHigh": "millrace_dead_letters_total",
            "MillraceBatchesQuarantined": "> 0", "MillraceConsumerLagStale": "millrace_consumer_lag_last_success_timestamp_seconds",
            "MillraceWorkerNotCommitting": "millrace_last_commit_timestamp_seconds",
            "MillraceStagedFilesNearExpiry": "millrace_unloaded_batch_oldest_age_seconds",
        ]
        for (alert, fragment) in expected {
            #expect(byName[alert]?.contains(fragment) == true, "\(alert): \(byName[alert] ?? "missing")")
        }
        // The load-cycle alert reads a bucket the histogram has.
        #expect(MetricName.loadCycleDuration.descriptor.buckets.contains(300))
    }

    @Test("the expiry alerts fire before deploy/s3-lifecycle.json deletes the staged files")
    func expiryBeforeLifecycle() throws {
        let lifecycle = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: PackagePaths.root.appendingPathComponent("deploy/s3-lifecycle.json"))) as? [String: Any])
        let rules = try #require(lifecycle["Rules"] as? [[String: Any]])
        let staging = try #require(rules.first { ($0["Filter"] as? [String: Any])?["Prefix"] as? String == "staging/" })
        let days = try #require((staging["Expiration"] as? [String: Any])?["Days"] as? Int)
        for alert in ["MillraceStagedFilesNearExpiry", "MillraceStagedFilesExpiring"] {
            let expression = try #require(try Self.rules().first { $0["alert"] as? String == alert }?["expr"] as? String)
            let threshold = try #require(expression.split(separator: ">").last.flatMap { Double($0.trimmingCharacters(in: .whitespaces)) })
            #expect(threshold > 0 && threshold < Double(days * 86_400), "\(alert) at \(threshold) s, files expire at \(days) days")
        }
        // Manifests expire too (the loader writes one per load).
        #expect(rules.contains { ($0["Filter"] as? [String: Any])?["Prefix"] as? String == "_millrace/manifests/" && $0["Expiration"] != nil })
    }

    @Test("the PrometheusRule holds exactly the plain rules file's groups")
    func prometheusRuleMatches() throws {
        let plain = try Self.yaml(Self.prometheus.appendingPathComponent("millrace-rules.yaml"))
        let crd = try Self.yaml(Self.prometheus.appendingPathComponent("millrace-prometheusrule.yaml"))
        #expect(crd["apiVersion"] as? String == "monitoring.coreos.com/v1")
        #expect(crd["kind"] as? String == "PrometheusRule")
        #expect((crd["metadata"] as? [String: Any])?["name"] as? String == "millrace")
        let groups = try #require((crd["spec"] as? [String: Any])?["groups"])
        #expect(NSArray(array: try #require(plain["groups"] as? [Any])).isEqual(to: try #require(groups as? [Any])))
    }

    @Test("the dashboard reads only exported metrics and covers throughput, lag, freshness, durations, dead letters, S3 and RSS")
    func dashboard() throws {
        let data = try Data(contentsOf: PackagePaths.root.appendingPathComponent("deploy/grafana/millrace.json"))
        let dashboard = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let panels = try #require(dashboard["panels"] as? [[String: Any]])
        let exported = Set(MetricName.allCases.map(\.name))
        var read: Set<String> = []
        for panel in panels {
            let targets = try #require(panel["targets"] as? [[String: Any]], "\(panel["title"] ?? "?")")
            for target in targets {
                let expression = try #require(target["expr"] as? String)
                let names = Self.metrics(in: expression)
                #expect(!names.isEmpty, "\(expression)")
                #expect(names.subtracting(exported).sorted() == [], "\(panel["title"] ?? "?"): \(expression)")
                read.formUnion(names)
            }
        }
        for needed in ["millrace_records_consumed_total", "millrace_consumer_lag_messages", "millrace_warehouse_data_as_of_timestamp_seconds",
                       "millrace_batch_duration_seconds", "millrace_load_cycle_duration_seconds", "millrace_dead_letters_total",
                       "millrace_s3_request_errors_total", "millrace_retries_total", "process_resident_memory_bytes"] {
            #expect(read.contains(needed), "no panel reads \(needed)")
        }
        let ids = panels.compactMap { $0["id"] as? Int }
        #expect(Set(ids).count == panels.count, "panel ids are unique")
    }

    @Test("metric names are found in PromQL, histogram series mapped to their family")
    func extraction() {
        #expect(Self.metrics(in: #"histogram_quantile(0.99, sum by (le) (rate(millrace_batch_duration_seconds_bucket[5m]))) > time()"#)
            == ["millrace_batch_duration_seconds"])
        #expect(Self.metrics(in: "millrace_nope_total + process_open_fds") == ["millrace_nope_total", "process_open_fds"])
    }
}
