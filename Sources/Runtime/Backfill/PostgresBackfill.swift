import Catalog
import Engine
import Logging
import Staging

/// A backfill read from the source database (`--source postgres`), for ranges older than
/// Kafka's retention: each table is read in keyset-paginated chunks by (event time, key),
/// every row shaped as the Debezium snapshot read of it (`SourceTableQuery`) and decoded,
/// deduplicated, enriched and staged by the worker's own path, so a backfilled row and a live
/// change of the same key and version are one row once loaded.
///
/// The source table is `backfill.source_tables[table]`, else `public.` and the topic's last
/// segment (`postgres.eav.entity_values_ts` → `public.entity_values_ts`, as the seed's connector
/// captures it). Progress is committed per batch through a `CheckpointFence`; the
/// same command run again resumes after the last committed row.
enum PostgresBackfill {
    /// Reads every table in `tables` for `range` from `url`.
    static func run(
        assembly: WorkerAssembly, group: String, tables: [TableDefinition], range: BackfillRange, url: String, eventTime: Bool,
        counters: ProgressCounters, collector: BackfillCollector, shouldStop: () -> Bool
    ) throws -> Bool {
        let configuration = assembly.configuration
        counters.setTotal((range.toMillis - range.fromMillis) * Int64(tables.count))
        let reader = try PostgresSourceReader(url: url, logger: assembly.telemetry.logger)
        defer { reader.close() }
        // One consistent point serves every table: a change any later read misses comes after it too.
        guard let lsn = try reader.consistentPoint(logger: assembly.telemetry.logger, shouldStop: shouldStop) else { return false }
        for table in tables {
            guard let topic = table.source.topic else { continue }
            let relation = configuration.backfill.sourceTables[table.name] ?? sourceRelation(topic)
            let run = "\(group)/\(table.name)"
            let fence = CheckpointFence(store: assembly.store, run: run)
            let parts = try assembly.makeFlushPath(fence: fence, followsChangelogs: true, fenceGroup: run)
            defer { parts.feeds.close() }
            let source = SourcePartition(topic: "postgresql:\(relation)", partition: 0)
            let recovery = try parts.committer.recover([source])
            if !recovery.finished.isEmpty { assembly.telemetry.emit(.recovered(recovery.finished)) }
            _ = try parts.committer.sweep(nowMillis: PipelineClock.system.wallMillis(), graceMillis: configuration.pipeline.sweepGrace.milliseconds)
            let query = try SourceTableQuery(
                table: table, relation: relation, columns: try reader.columns(of: relation), chunkRows: configuration.backfill.chunkRows,
                lsn: lsn)
            if !query.missingFields.isEmpty {
                assembly.telemetry.logger.warning("the source table lacks declared columns; they stay null", metadata: [
                    "table": "\(relation)", "columns": "\(query.missingFields.joined(separator: ","))"])
            }
            guard try parts.feeds.loadAll(nowMillis: PipelineClock.system.wallMillis(), shouldStop: shouldStop) else { return false }
            let batches = BoundedBatches(
                parts: parts, maxRows: configuration.pipeline.maxBatchRows, maxBytes: configuration.pipeline.maxBatchBytes.bytes,
                windowMillis: configuration.pipeline.window.milliseconds, eventTimeWindow: eventTime ? range.micros : nil,
                clock: assembly.options.clock, telemetry: assembly.telemetry, onCommit: collector.committed)
            let checkpoint = try fence.load()
            var ordinal = checkpoint?.offsets["\(source.topic)/\(source.partition)"] ?? 0
            var cursor = checkpoint?.cursor ?? []
            var position = range.fromMillis
            let bounds = [UTCInstant.text(range.fromMillis), UTCInstant.text(range.toMillis)]
            var complete = false
            while !shouldStop() {
                let rows = try reader.chunk(cursor.isEmpty ? query.firstSQL : query.nextSQL, binds: bounds + cursor)
                var bytes: Int64 = 0
                for row in rows {
                    row.value.withUnsafeBytes { value in
                        batches.decode(source, asTopic: topic, partition: -1, offset: ordinal, timestampMs: row.eventMillis, value: value)
                    }
                    ordinal += 1
                    bytes += Int64(row.value.count)
                    fence.pendingCursor = row.cursor
                    try batches.flushIfFull()
                }
                if let last = rows.last {
                    cursor = last.cursor
                    let reached = min(range.toMillis, max(position, last.eventMillis))
                    counters.add(records: Int64(rows.count), bytes: bytes, done: reached - position)
                    position = reached
                }
                if rows.count < configuration.backfill.chunkRows {
                    complete = true
                    break
                }
            }
            fence.pendingCursor = cursor
            try batches.finish()
            counters.add(records: 0, bytes: 0, done: complete ? range.toMillis - position : 0)
            if !complete { return false }
        }
        return true
    }

    /// The default source table of a Debezium topic: its last segment, in `public`.
    static func sourceRelation(_ topic: String) -> String {
        "public." + (topic.split(separator: ".").last.map(String.init) ?? topic)
    }
}
