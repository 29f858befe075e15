import Foundation
public import Staging

/// What one backfill covers, fixed when it first starts: the range, its consumer group and,
/// per partition, the offsets `[start, end)` to read. Stored in the staging store under
/// `_millrace/backfills/{group}/plan.json`, so the same command run again (after a crash or
/// Ctrl-C) reads the same offsets, even while producers keep writing.
public struct BackfillPlan: Sendable, Hashable, Codable {
    /// One partition's share of the range.
    public struct Partition: Sendable, Hashable, Codable {
        /// The partition.
        public var source: SourcePartition
        /// First offset to read: the first record whose timestamp is at or after `from`.
        public var start: Int64
        /// Offset to stop before: the first record at or after `to`, or the high watermark
        /// when the backfill started, whichever comes first.
        public var end: Int64

        /// Offsets `start ..< end` of `source`.
        public init(source: SourcePartition, start: Int64, end: Int64) {
            self.source = source
            self.start = start
            self.end = max(start, end)
        }

        /// Offsets in the range.
        public var span: Int64 { end - start }
    }

    /// Record format: `millrace.backfill-plan/1`.
    public var format = "millrace.backfill-plan/1"
    /// The consumer group the backfill commits its offsets to (never the live group).
    public var group: String
    /// Range start, ISO-8601 UTC.
    public var from: String
    /// Range end (exclusive), ISO-8601 UTC.
    public var to: String
    /// When the plan was made (ms since the epoch).
    public var createdAtMillis: Int64
    /// Every partition with its offsets, sorted.
    public var partitions: [Partition]

    /// A plan for `range` in `group`.
    public init(group: String, range: BackfillRange, createdAtMillis: Int64, partitions: [Partition]) {
        self.group = group
        self.from = UTCInstant.text(range.fromMillis)
        self.to = UTCInstant.text(range.toMillis)
        self.createdAtMillis = createdAtMillis
        self.partitions = partitions.sorted { $0.source < $1.source }
    }

    /// Offsets in the whole range.
    public var span: Int64 { partitions.reduce(0) { $0 + $1.span } }

    /// Where the plan of `group` is kept in the staging store.
    public static func key(group: String) -> String { "_millrace/backfills/\(group)/plan.json" }

    /// The plan as stored (sorted keys, so plans diff well).
    func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return Array(try encoder.encode(self))
    }

    /// The stored plan of `group`, nil when there is none.
    static func load(group: String, from store: any StagingStore) throws -> BackfillPlan? {
        guard let bytes = try store.get(key(group: group)) else { return nil }
        do {
            return try JSONDecoder().decode(BackfillPlan.self, from: Data(bytes))
        } catch {
            throw RuntimeError(.staging, "\(store.location)\(key(group: group)) is not a backfill plan: \(error)", underlying: error)
        }
    }
}

/// The consumer group of a backfill: derived from the live group and what the backfill reads,
/// so the same command always gets the same group (and resumes), a different range or topic
/// set gets another, and the live group's offsets are never touched.
public enum BackfillGroup {
    /// `{live}.backfill.{from}-{to}.{hash}`, the hash (FNV-1a, 32 bits) covering the source,
    /// topics, tables and event-time filtering. Only `[A-Za-z0-9._-]` appears.
    public static func name(live: String, range: BackfillRange, source: String, topics: [String], tables: [String], eventTime: Bool) -> String {
        let identity = [source, topics.sorted().joined(separator: ","), tables.sorted().joined(separator: ","), eventTime ? "event-time" : "kafka-time"]
            .joined(separator: "|")
        var hash: UInt32 = 2_166_136_261
        for byte in identity.utf8 {
            hash = (hash ^ UInt32(byte)) &* 16_777_619
        }
        let hex = String(hash, radix: 16)
        let suffix = String(repeating: "0", count: 8 - hex.count) + hex
        return "\(live).backfill.\(UTCInstant.compact(range.fromMillis))-\(UTCInstant.compact(range.toMillis)).\(suffix)"
    }
}
