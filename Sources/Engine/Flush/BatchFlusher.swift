import CDC
import Catalog
import Failures
import Parquet
public import Staging

/// Turns a closed batch into committed staged files: enrich → deduplicate → partition by
/// event-time hour → write Parquet → stage → commit (see `StagingCommitter` for the protocol).
///
/// Enrichment runs over every decoded row, before deduplication picks the rows to keep: the
/// lookup fills whole columns aligned with the decoded ones in one pass, and deduplication only
/// selects (the writer takes the selection; no row is copied). Enriching only the kept rows
/// would copy every decoded column to save the lookups of duplicates, a few percent of a batch.
/// Misses are counted among the kept rows only.
///
/// Files are written one at a time, each streaming its row groups to the store, so memory holds
/// the decoded batch plus one row group whatever the number of tables and hours.
public final class BatchFlusher {
    private let store: any StagingStore
    private let committer: StagingCommitter
    private let settings: FlushSettings
    private let dimensions: DimensionSet
    private let crashHook: CrashHook?

    /// Rows handed to the Parquet writer per call, between file-size checks.
    private static let chunkRows = 65_536

    /// A flusher staging to `store`, committing through `committer`, enriching from `dimensions`.
    public init(
        store: any StagingStore, committer: StagingCommitter, settings: FlushSettings, dimensions: DimensionSet,
        crashHook: CrashHook? = nil
    ) {
        self.store = store
        self.committer = committer
        self.settings = settings
        self.dimensions = dimensions
        self.crashHook = crashHook
    }

    /// Stages and commits `input`; returns the committed record. Throws `.fenced` when the
    /// worker lost a partition of the batch (everything it wrote is removed), and an error with
    /// `batchMayBeCommitted` when the fence may have committed it (everything is kept).
    public func flush(_ input: BatchInput) throws -> CommitRecord {
        let batchID = input.batchID
        var plans: [(table: StagedTable, slices: [HourSlice])] = []
        var stats = input.stats
        for decoded in input.tables where decoded.rowCount > 0 {
            let table = try StagedTable(decoded, dimensions: dimensions)
            let dedup = try Deduplicator.deduplicate(table.batch, spec: try table.dedupSpec())
            let partitioner = HourPartitioner(eventTimeColumns: table.eventTimeColumns(), fallbackMicros: batchID.createdAtMillis * 1000)
            var selection = dedup.selection
            if let window = input.eventTimeWindow {
                let kept = try partitioner.select(table.batch, selection: selection, within: window)
                stats.outsideEventTime = (stats.outsideEventTime ?? 0) + selection.count - kept.count
                selection = kept
            }
            plans.append((table, try partitioner.partition(table.batch, selection: selection)))
            stats.duplicatesRemoved += dedup.duplicatesRemoved
            stats.enrichmentMisses.merge(table.misses(in: dedup.selection), uniquingKeysWith: +)
        }
        let filePrefix = batchID.rawValue + "-"
        var record = CommitRecord(
            batchID: batchID, state: .writing, worker: settings.worker, sources: input.sources.sorted { $0.source < $1.source },
            plannedPrefixes: plans.flatMap { plan in
                plan.slices.map { settings.template.prefix(table: plan.table.definition.name, hour: $0.hour, filePrefix: filePrefix) }
            } + [settings.layout.deadLetterKey(batchID)])
        record.caughtUp = input.caughtUp.sorted()
        record.partitionCounts = input.partitionCounts
        try committer.begin(record, startedAtMillis: input.startedAtMillis)
        do {
            return try stage(input, plans: plans, record: record, stats: stats)
        } catch let error as EngineError where error.batchMayBeCommitted {
            // The fence may have committed the batch: keep everything for recover and sweep.
            throw error
        } catch let error as any MillraceError {
            // The fence did not commit the batch; remove what it wrote. (Anything else is not a
            // failure of the batch but the process dying here, which cleans nothing up.)
            committer.abandon(record)
            throw error
        }
    }

    private func stage(
        _ input: BatchInput, plans: [(table: StagedTable, slices: [HourSlice])], record: CommitRecord, stats: BatchStats
    ) throws -> CommitRecord {
        let batchID = input.batchID
        var record = record
        var stats = stats
        var sequence = 0
        // Every version the files may follow is claimed before the first file is written.
        for change in input.schemaChanges {
            try committer.claimSchemaVersion(table: change.table, version: change.toVersion, definition: Catalog.yaml(of: change.definition))
        }
        for plan in plans {
            for slice in plan.slices {
                let files = try write(plan.table, rows: slice.rows, hour: slice.hour, batchID: batchID, sources: input.sources, sequence: &sequence)
                record.files += files
                stats.rowsOut += files.reduce(0) { $0 + $1.rows }
                try crashHook?(.afterFileWrite)
            }
        }
        if !input.deadLetters.isEmpty {
            let bytes = DeadLetterLines.encode(input.deadLetters, batch: batchID)
            let key = settings.layout.deadLetterKey(batchID)
            try store.put(key, data: bytes)
            let reasons = Dictionary(input.deadLetters.map { ($0.reason.description, 1) }, uniquingKeysWith: +)
            record.deadLetters = DeadLetterFile(key: key, records: input.deadLetters.count, reasons: reasons, bytes: Int64(bytes.count))
        }
        for change in input.schemaChanges {
            let definition = Catalog.yaml(of: change.definition)
            // An earlier committed batch introduced this very version (this worker restarted
            // while that batch was being recovered, or another worker got there first): the
            // files follow it, but the change is not this batch's to announce again.
            let committed = try EvolvedSchemas(store: store, layout: settings.layout).committed(table: change.table, version: change.toVersion)
            if committed == definition { continue }
            record.schemaChanges.append(SchemaChangeNote(
                table: change.table, fromVersion: change.fromVersion, toVersion: change.toVersion,
                ddl: ["redshift": change.ddl(.redshift), "postgres": change.ddl(.postgres)],
                definition: definition))
        }
        stats.sourceTimeMillis = [stats.sourceTimeMillis, plans.compactMap { Self.newestSourceMillis($0.table) }.max()]
            .compactMap { $0 }.max()
        record.stats = stats
        return try committer.commit(record)
    }

    /// The newest `_source_ts` of a staged table, in ms (the batch's "data as of" time).
    private static func newestSourceMillis(_ table: StagedTable) -> Int64? {
        guard let position = table.position("_source_ts"), let values = ColumnAccess.int64(table.batch.columns[position]) else {
            return nil
        }
        return values.max().map { $0 / 1000 }
    }

    /// Writes `rows` of `table` as one or more files (split at `maxFileBytes`).
    private func write(
        _ table: StagedTable, rows: [Int32], hour: UTCHour, batchID: BatchID, sources: [SourceRange], sequence: inout Int
    ) throws -> [StagedFile] {
        let metadata = [
            KeyValue(key: "millrace.table", value: table.definition.name),
            KeyValue(key: "millrace.schema_version", value: String(table.definition.version)),
            KeyValue(key: "millrace.batch", value: batchID.rawValue),
            KeyValue(key: "millrace.sources", value: sources.filter { $0.source.topic == table.definition.source.topic }
                .sorted { $0.source < $1.source }
                .map { "\($0.source.topic)/\($0.source.partition):\($0.startOffset)-\($0.endOffset)" }.joined(separator: ",")),
        ]
        var files: [StagedFile] = []
        var start = 0
        while start < rows.count {
            let key = settings.template.render(table: table.definition.name, hour: hour, file: "\(batchID.rawValue)-\(sequence)")
            sequence += 1
            let object = try store.openWriter(key)
            do {
                let writer = try ParquetWriter(
                    schema: table.schema, sink: StagedParquetSink(object), properties: settings.writerProperties,
                    keyValueMetadata: metadata)
                let first = start
                while start < rows.count {
                    let end = min(rows.count, start + Self.chunkRows)
                    try writer.append(table.batch, rows: Array(rows[start..<end]))
                    start = end
                    if writer.bytesWritten + Int64(writer.bufferedBytes) >= Int64(settings.maxFileBytes) { break }
                }
                _ = try writer.close()
                let size = try object.finish()
                files.append(StagedFile(
                    key: key, table: table.definition.name, schemaVersion: table.definition.version, hour: hour.description,
                    rows: start - first, bytes: size))
            } catch {
                object.abort()
                throw error
            }
        }
        return files
    }
}
