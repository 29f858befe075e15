import Engine
public import Staging

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
        if let example = files.max(by: { $0.rows < $1.rows }) {
            lines.append("")
            lines.append("  look inside one:   \(executable) inspect \(location)/\(example.key) --rows 5")
            lines.append("  commit records:    \(location)/\(StagingLayout.commitsPrefix)")
        }
        return lines.joined(separator: "\n")
    }
}
