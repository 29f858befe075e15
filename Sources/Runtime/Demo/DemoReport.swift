import Engine
public import Staging
import Foundation

/// What the demo prints at the end: files per table and hour, rows in and out, duplicates,
/// enrichment misses, dead letters by reason, and where to look.
public struct DemoReport: Sendable {
    /// Every committed record of the run.
    public var records: [CommitRecord]
    /// Records produced by the load generator.
    public var produced: Int
    /// Where the staged files are.
    public var location: String
    /// How the report names the `millrace` executable in the commands it suggests.
    public var executable = "millrace"
    /// What the loader put in PostgreSQL, when the demo loaded it.
    public var warehouse: Warehouse?

    /// The warehouse side of the demo.
    public struct Warehouse: Sendable {
        /// The server (no password).
        public var url: String
        /// The schema loaded.
        public var schema: String
        /// Load cycles run.
        public var cycles: Int
        /// Rows per table.
        public var rows: [(table: String, count: String)] = []
        /// A sample of `agg_daily_metrics`: date, tenant, attribute, samples, mean.
        public var aggregate: [[String]] = []
        /// The "Data as of" banner and its lag.
        public var dataAsOf: String?
    }

    /// A report over `records`.
    public init(records: [CommitRecord], produced: Int, location: String) {
        self.records = records
        self.produced = produced
        self.location = location
    }

    /// The report as text.
    public var text: String {
        let files = records.flatMap(\.files)
        let stats = records.map(\.stats)
        var lines = ["", "Millrace demo: \(records.count) batches committed exactly once to \(location)"]
        lines.append("  records produced   \(produced)")
        lines.append("  records consumed   \(stats.reduce(0) { $0 + $1.recordsIn })")
        lines.append("  rows staged        \(files.reduce(0) { $0 + $1.rows })")
        lines.append("  duplicates removed \(stats.reduce(0) { $0 + $1.duplicatesRemoved })")
        lines.append("  heartbeats         \(stats.reduce(0) { $0 + $1.heartbeats })")
        var misses: [String: Int] = [:]
        for stat in stats { misses.merge(stat.enrichmentMisses, uniquingKeysWith: +) }
        for (dimension, count) in misses.sorted(by: { $0.key < $1.key }) {
            lines.append("  enrichment misses  \(dimension): \(count)")
        }
        var reasons: [String: Int] = [:]
        for record in records { reasons.merge(record.deadLetters?.reasons ?? [:], uniquingKeysWith: +) }
        lines.append("  dead letters       \(reasons.values.reduce(0, +))" + (reasons.isEmpty ? "" : ":"))
        for (reason, count) in reasons.sorted(by: { $0.key < $1.key }) { lines.append("    \(reason): \(count)") }
        for change in records.flatMap(\.schemaChanges) {
            lines.append("  schema change      \(change.table) v\(change.fromVersion) → v\(change.toVersion): \(change.ddl["redshift"]?.joined(separator: " ") ?? "")")
        }
        lines.append("")
        lines.append("  files per table and hour (UTC):")
        let groups = Dictionary(grouping: files) { "\($0.table)  \($0.hour)" }
        for (group, members) in groups.sorted(by: { $0.key < $1.key }) {
            lines.append("    \(group)  \(members.count) file(s), \(members.reduce(0) { $0 + $1.rows }) rows, \(members.reduce(Int64(0)) { $0 + $1.bytes }) bytes")
        }
        if let warehouse {
            lines.append("")
            lines.append("  loaded into PostgreSQL \(warehouse.url), schema \(warehouse.schema), in \(warehouse.cycles) load cycle(s):")
            for (table, count) in warehouse.rows { lines.append("    \(table.padding(toLength: 24, withPad: " ", startingAt: 0)) \(count) rows") }
            lines.append("  agg_daily_metrics, busiest (day, tenant, attribute, samples, mean):")
            for row in warehouse.aggregate { lines.append("    " + row.joined(separator: "  ")) }
            lines.append("  \(warehouse.dataAsOf ?? "no data as of yet") (the generated traffic starts an hour ago)")
        }
        if let example = files.max(by: { $0.rows < $1.rows }) {
            lines.append("")
            lines.append("  look inside one:   \(executable) inspect \(location)/\(example.key) --rows 5")
            lines.append("  commit records:    \(location)/\(StagingLayout.commitsPrefix)")
        }
        return lines.joined(separator: "\n")
    }
}
