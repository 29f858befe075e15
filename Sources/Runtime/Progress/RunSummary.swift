public import Staging

/// The end-of-run summary of a bounded run (backfill, replay, a drained worker): totals over
/// the batches it committed.
public struct RunSummary: Sendable, Hashable {
    /// Records read and committed (Kafka records, file lines, table rows).
    public var records = 0
    /// Records read but outside the range (their offsets are committed, nothing is staged).
    public var outsideRange = 0
    /// Decoded rows left out by `--event-time`.
    public var outsideEventTime = 0
    /// Rows staged per table.
    public var rowsPerTable: [String: Int] = [:]
    /// Rows removed as duplicates within their batch.
    public var duplicatesRemoved = 0
    /// Dead letters per reason.
    public var deadLettersByReason: [String: Int] = [:]
    /// Staged Parquet files.
    public var files = 0
    /// Staged bytes.
    public var stagedBytes: Int64 = 0
    /// Committed batches.
    public var batches = 0

    /// An empty summary.
    public init() {}

    /// Adds a committed batch.
    public mutating func add(_ record: CommitRecord) {
        batches += 1
        records += record.stats.recordsIn
        duplicatesRemoved += record.stats.duplicatesRemoved
        outsideEventTime += record.stats.outsideEventTime ?? 0
        files += record.files.count
        for file in record.files {
            rowsPerTable[file.table, default: 0] += file.rows
            stagedBytes += file.bytes
        }
        for (reason, count) in record.deadLetters?.reasons ?? [:] {
            deadLettersByReason[reason, default: 0] += count
        }
    }

    /// Adds another summary (a parallel slice's).
    public mutating func merge(_ other: RunSummary) {
        records += other.records
        outsideRange += other.outsideRange
        outsideEventTime += other.outsideEventTime
        rowsPerTable.merge(other.rowsPerTable, uniquingKeysWith: +)
        duplicatesRemoved += other.duplicatesRemoved
        deadLettersByReason.merge(other.deadLettersByReason, uniquingKeysWith: +)
        files += other.files
        stagedBytes += other.stagedBytes
        batches += other.batches
    }

    /// Dead letters in all.
    public var deadLetters: Int { deadLettersByReason.values.reduce(0, +) }

    /// The summary as printed at the end of a run, one fact per line.
    public func text(_ label: String, elapsedMillis: Int64) -> String {
        var lines = ["\(label): done in \(ProgressFormat.duration(Double(elapsedMillis) / 1000))"]
        func row(_ name: String, _ value: String) { lines.append("  " + name.padding(28) + value) }
        var records = ProgressFormat.count(Int64(self.records))
        if outsideRange > 0 { records += " (\(ProgressFormat.count(Int64(outsideRange))) outside the range, skipped)" }
        row("records", records)
        if rowsPerTable.isEmpty { row("rows", "0") }
        for (table, rows) in rowsPerTable.sorted(by: { $0.key < $1.key }) {
            row("rows \(table)", ProgressFormat.count(Int64(rows)))
        }
        if duplicatesRemoved > 0 { row("duplicates removed", ProgressFormat.count(Int64(duplicatesRemoved))) }
        if outsideEventTime > 0 { row("outside event time", ProgressFormat.count(Int64(outsideEventTime))) }
        row("dead letters", ProgressFormat.count(Int64(deadLetters)))
        for (reason, count) in deadLettersByReason.sorted(by: { $0.key < $1.key }) {
            row("  \(reason)", ProgressFormat.count(Int64(count)))
        }
        row("files", "\(ProgressFormat.count(Int64(files))) (\(ProgressFormat.size(stagedBytes)))")
        row("batches", ProgressFormat.count(Int64(batches)))
        row("elapsed", ProgressFormat.duration(Double(elapsedMillis) / 1000))
        return lines.joined(separator: "\n")
    }
}

extension String {
    fileprivate func padding(_ width: Int) -> String {
        self + String(repeating: " ", count: max(1, width - count))
    }
}
