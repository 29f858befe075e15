/// One staged Parquet file of a batch.
public struct StagedFile: Sendable, Hashable, Codable {
    /// Object key in the staging store.
    public var key: String
    /// Warehouse table the rows belong to.
    public var table: String
    /// Schema version of the table the file's columns follow (the staging table's shape).
    public var schemaVersion: Int
    /// The event-time hour (UTC) of every row, as `yyyy-MM-ddTHH:00Z`.
    public var hour: String
    /// Rows in the file.
    public var rows: Int
    /// Exact size in bytes (Redshift manifests need it as `meta.content_length`).
    public var bytes: Int64

    /// A file entry.
    public init(key: String, table: String, schemaVersion: Int, hour: String, rows: Int, bytes: Int64) {
        self.key = key
        self.table = table
        self.schemaVersion = schemaVersion
        self.hour = hour
        self.rows = rows
        self.bytes = bytes
    }
}

/// The dead-letter output of a batch, written to the staging store.
public struct DeadLetterFile: Sendable, Hashable, Codable {
    /// Object key (NDJSON, one dead letter per line with the original bytes in base64).
    public var key: String
    /// Dead letters in the file.
    public var records: Int
    /// Count per reason code.
    public var reasons: [String: Int]
    /// Exact size in bytes.
    public var bytes: Int64

    /// A dead-letter file entry.
    public init(key: String, records: Int, reasons: [String: Int], bytes: Int64) {
        self.key = key
        self.records = records
        self.reasons = reasons
        self.bytes = bytes
    }
}

/// A schema change a batch introduced: the new version's declaration, and its DDL per dialect
/// for operators (the load plan adds the columns itself, idempotently).
///
/// The new version's declaration travels in the record, so it becomes visible exactly when the
/// batch commits: finalizing the batch writes it to `_millrace/schemas/{table}/v{n}.yaml`
/// before the committed record, and a batch that never commits leaves no version behind.
public struct SchemaChangeNote: Sendable, Hashable, Codable {
    /// Warehouse table.
    public var table: String
    /// Version before.
    public var fromVersion: Int
    /// Version after.
    public var toVersion: Int
    /// `ALTER TABLE … ADD COLUMN` per dialect (`redshift`, `postgres`), in order: what the change
    /// means for the target table. Informational: on Redshift it is not idempotent, so loads use
    /// `Warehouse`'s guarded form instead.
    public var ddl: [String: [String]]
    /// The new version's declaration, in the `Schemas/` YAML format. Empty in records written
    /// by builds that stored it in the staging store before the fence instead.
    public var definition: String

    /// A schema change entry.
    public init(table: String, fromVersion: Int, toVersion: Int, ddl: [String: [String]], definition: String) {
        self.table = table
        self.fromVersion = fromVersion
        self.toVersion = toVersion
        self.ddl = ddl
        self.definition = definition
    }

    enum CodingKeys: String, CodingKey {
        case table, fromVersion, toVersion, ddl, definition
    }

    /// Decodes an entry; `definition` may be absent (records of earlier builds).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        table = try container.decode(String.self, forKey: .table)
        fromVersion = try container.decode(Int.self, forKey: .fromVersion)
        toVersion = try container.decode(Int.self, forKey: .toVersion)
        ddl = try container.decode([String: [String]].self, forKey: .ddl)
        definition = try container.decodeIfPresent(String.self, forKey: .definition) ?? ""
    }
}

/// Counters of one batch, for the report and for metrics.
public struct BatchStats: Sendable, Hashable, Codable {
    /// Kafka records consumed.
    public var recordsIn: Int = 0
    /// Rows written to staged files.
    public var rowsOut: Int = 0
    /// Rows dropped by deduplication.
    public var duplicatesRemoved: Int = 0
    /// Enrichment misses per dimension.
    public var enrichmentMisses: [String: Int] = [:]
    /// Heartbeat records seen.
    public var heartbeats: Int = 0
    /// Newest source timestamp seen (ms since the epoch), from data or heartbeats: the batch's
    /// "data as of" time.
    public var sourceTimeMillis: Int64?
    /// The newest heartbeat's source time (ms since the epoch) that the worker had consumed well
    /// before the batch closed (by more than a fetch's round trip), so every change the source
    /// wrote before it to a partition in `CommitRecord.caughtUp` is in this batch or an earlier
    /// one. The loader moves those partitions' freshness to it. Nil when no heartbeat qualifies.
    public var heartbeatMillis: Int64?
    /// Decoded rows left out because their event time lies outside a backfill's range
    /// (`millrace backfill --event-time`); nil when no such filter applied.
    public var outsideEventTime: Int?

    /// Empty counters.
    public init() {}
}

/// The commit record of a batch: the only thing that tells the loader what to load.
///
/// It lists every staged file (rows, exact bytes, schema version), the Kafka offset ranges the
/// batch consumed, its dead letters and schema changes. A batch is committed exactly when its
/// record exists under `commits/` (see `StagingLayout`); files not listed by a committed record
/// are never loaded and are removed by the sweep.
public struct CommitRecord: Sendable, Hashable, Codable {
    /// Record format, for readers to check: `millrace.commit/1`.
    public var format: String = CommitRecord.currentFormat
    /// The batch.
    public var batchID: BatchID
    /// Whether the record is still being written (`writing`), is complete and waiting for its
    /// fence (`ready`), or is committed (`committed`).
    public var state: State
    /// The worker that produced it (host and process), for operators.
    public var worker: String
    /// The consumer group whose offset commit fenced the batch, when it is not the live
    /// worker's (a backfill's own group): a sweep resolves only the pending records of its own
    /// fence, since another group's offsets cannot say whether such a batch won. Nil for the
    /// live worker and records of earlier builds. Default: nil.
    public var fenceGroup: String?
    /// Offset ranges consumed, one per partition, sorted.
    public var sources: [SourceRange]
    /// Key prefixes the batch writes under; used to clean up a batch that never committed.
    public var plannedPrefixes: [String]
    /// Staged Parquet files.
    public var files: [StagedFile] = []
    /// Dead letters, if any.
    public var deadLetters: DeadLetterFile?
    /// Schema changes introduced by the batch.
    public var schemaChanges: [SchemaChangeNote] = []
    /// Counters.
    public var stats = BatchStats()
    /// The partitions the worker owned that were read to their end when the batch closed
    /// (sorted). With `stats.heartbeatMillis` they tell the loader how fresh a table is even when
    /// its partitions carry no new changes.
    public var caughtUp: [SourcePartition] = []
    /// How many partitions each consumed topic had when the batch closed, where the worker
    /// could tell: the loader's "data as of" counts a partition nothing was loaded from yet as
    /// unknown instead of leaving it out. Empty in records of earlier builds.
    public var partitionCounts: [String: Int] = [:]

    /// The format string this version writes.
    public static let currentFormat = "millrace.commit/1"

    /// The lifecycle of a record.
    public enum State: String, Sendable, Hashable, Codable {
        /// Files are being written; nothing is committed.
        case writing
        /// Every file is written; the Kafka fence commit decides the batch's fate.
        case ready
        /// The fence commit succeeded; the loader may load the files.
        case committed
    }

    /// A record for `batchID` consuming `sources`.
    public init(batchID: BatchID, state: State, worker: String, sources: [SourceRange], plannedPrefixes: [String]) {
        self.batchID = batchID
        self.state = state
        self.worker = worker
        self.sources = sources
        self.plannedPrefixes = plannedPrefixes
    }

    enum CodingKeys: String, CodingKey {
        case format, batchID, state, worker, fenceGroup, sources, plannedPrefixes, files, deadLetters, schemaChanges, stats, caughtUp
        case partitionCounts
    }

    /// Decodes a record; `fenceGroup`, `caughtUp` and `partitionCounts` may be absent (the live
    /// worker's records, and records of earlier builds).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        format = try container.decode(String.self, forKey: .format)
        batchID = try container.decode(BatchID.self, forKey: .batchID)
        state = try container.decode(State.self, forKey: .state)
        worker = try container.decode(String.self, forKey: .worker)
        fenceGroup = try container.decodeIfPresent(String.self, forKey: .fenceGroup)
        sources = try container.decode([SourceRange].self, forKey: .sources)
        plannedPrefixes = try container.decode([String].self, forKey: .plannedPrefixes)
        files = try container.decode([StagedFile].self, forKey: .files)
        deadLetters = try container.decodeIfPresent(DeadLetterFile.self, forKey: .deadLetters)
        schemaChanges = try container.decode([SchemaChangeNote].self, forKey: .schemaChanges)
        stats = try container.decode(BatchStats.self, forKey: .stats)
        caughtUp = try container.decodeIfPresent([SourcePartition].self, forKey: .caughtUp) ?? []
        partitionCounts = try container.decodeIfPresent([String: Int].self, forKey: .partitionCounts) ?? [:]
    }
}
