import CDC
import Catalog
import Engine
import Logging
import Staging

/// Batches of a bounded source that one process owns (a file replay, a backfill slice): decoded
/// records collect in the decoder's builders, the batch closes at the row or byte limit (or
/// when the caller flushes at the end), and each batch is staged and committed through the
/// flush path's committer. Owned by one thread.
///
/// A failure before the fence abandons the batch (the flusher removes what it wrote) and is
/// thrown: the caller stops, and the next run resumes from what its fence holds. A batch whose
/// fence went through but whose committed record could not be written is committed
/// (`finalizeDeferred`): the committer writes the record before it fences the next batch, and
/// `finish` writes it before returning.
final class BoundedBatches {
    let decoder: ChangeDecoder
    private let flusher: BatchFlusher
    private let committer: StagingCommitter
    private let limits: BatchLimits
    private let eventTimeWindow: Range<Int64>?
    private let clock: PipelineClock
    private let telemetry: Telemetry
    private let onCommit: (CommitRecord) -> Void
    private var batch = OpenBatch()
    private var sinceByteCheck = 0
    /// When the open batch got its first record (monotonic ms); nil while it is empty.
    private var openedAtMillis: Int64?
    private var routes: [String: TopicRoute] = [:]

    /// Batches over `parts`, closing at `maxRows` decoded rows, `maxBytes` decoded bytes or
    /// `windowMillis` after their first record (so an interrupted run loses at most a window of
    /// work); `eventTimeWindow` (µs) keeps only rows whose event time lies in it.
    init(
        parts: WorkerAssembly.FlushPath, maxRows: Int, maxBytes: Int, windowMillis: Int64, eventTimeWindow: Range<Int64>?,
        clock: PipelineClock, telemetry: Telemetry, onCommit: @escaping (CommitRecord) -> Void
    ) {
        decoder = parts.decoder
        flusher = parts.flusher
        committer = parts.committer
        limits = BatchLimits(windowMillis: windowMillis, maxRows: maxRows, maxBytes: maxBytes)
        self.eventTimeWindow = eventTimeWindow
        self.clock = clock
        self.telemetry = telemetry
        self.onCommit = onCommit
    }

    /// True when nothing is waiting to be committed.
    var isEmpty: Bool { batch.isEmpty }

    /// The route of `topic` (cached).
    func route(_ topic: String) -> TopicRoute {
        if let known = routes[topic] { return known }
        let route = decoder.route(forTopic: topic)
        routes[topic] = route
        return route
    }

    /// Decodes one record into the open batch.
    func decode(
        _ source: SourcePartition, offset: Int64, timestampMs: Int64, key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?
    ) {
        let outcome = decoder.decode(
            route: route(source.topic), partition: source.partition, offset: offset, timestampMs: timestampMs, key: key, value: value)
        batch.record(outcome, source, offset: offset)
    }

    /// Decodes one record of a source that is not a Kafka partition (a table read): the row
    /// goes to `topic`'s table with `partition` and `offset` in its `_kafka_*` columns, and the
    /// batch's range is recorded under `source`.
    func decode(
        _ source: SourcePartition, asTopic topic: String, partition: Int32, offset: Int64, timestampMs: Int64,
        value: UnsafeRawBufferPointer?
    ) {
        let outcome = decoder.decode(
            route: route(topic), partition: partition, offset: offset, timestampMs: timestampMs, key: nil, value: value)
        batch.record(outcome, source, offset: offset)
    }

    /// Counts a record that was read but lies outside the range: its offset is consumed (the
    /// batch's range covers it, so a resumed run does not read it again), nothing is decoded.
    func skip(_ source: SourcePartition, offset: Int64) {
        batch.consumed(source, offset: offset, nowMillis: 0)
    }

    /// Commits the open batch when it reached a limit. Rows are cheap to count on every call;
    /// bytes walk every column and the window reads the clock, so they are checked every 1,024
    /// calls, or on every call when `exact` (callers that come once per poll).
    func flushIfFull(exact: Bool = false) throws {
        guard !batch.isEmpty else { return }
        let rows = batch.deadLetters.count + decoder.totalBufferedRows
        var full = rows >= limits.maxRows
        sinceByteCheck += 1
        if !full && (exact || sinceByteCheck >= 1_024) {
            sinceByteCheck = 0
            let now = clock.monotonicMillis()
            let opened = openedAtMillis ?? now
            openedAtMillis = opened
            full = limits.shouldClose(openedAtMillis: opened, nowMillis: now, rows: rows, bytes: batch.deadLetterBytes + decoder.totalBufferedBytes)
        }
        if full { try flush() }
    }

    /// Stages and commits the open batch (nothing when it is empty).
    func flush() throws {
        guard !batch.isEmpty else { return }
        // A deferred committed record first, reported like any commit (the committer's `begin`
        // would write it silently, or refuse this batch while it cannot).
        if committer.hasDeferred, let finished = try? committer.finishDeferred() { finished.forEach(onCommit) }
        batch.carry(decoder.takeSchemaChanges())
        var tables: [DecodedBatch] = []
        for table in decoder.tableIDs where decoder.bufferedRowCount(table) > 0 {
            tables.append(try decoder.takeBatch(table))
        }
        // The batch's age starts before its id is made (`CommitTiming`).
        let started = clock.monotonicMillis()
        let input = BatchInput(
            batchID: BatchID(createdAtMillis: clock.wallMillis(), random: UInt64.random(in: 0...UInt64.max)),
            sources: Array(batch.ranges.values), tables: tables, deadLetters: batch.deadLetters, schemaChanges: batch.schemaChanges,
            stats: batch.stats, eventTimeWindow: eventTimeWindow, startedAtMillis: started)
        do {
            let record = try flusher.flush(input)
            movePast()
            telemetry.emit(.batchCommitted(record, durationMillis: clock.monotonicMillis() - started))
            onCommit(record)
        } catch let error as EngineError where error.code == .finalizeDeferred {
            movePast()
            telemetry.logger.warning("batch committed; its committed record is deferred", metadata: ["error": "\(error)"])
        }
    }

    /// Commits the open batch and writes any deferred committed record; throws when one still
    /// cannot be written (the next run's recovery writes it).
    func finish() throws {
        try flush()
        for record in try committer.finishDeferred() {
            onCommit(record)
        }
    }

    private func movePast() {
        batch = OpenBatch()
        sinceByteCheck = 0
        openedAtMillis = nil
    }
}
