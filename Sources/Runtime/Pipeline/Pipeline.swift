import CDC
import Catalog
import Engine
import Foundation
import Kafka
import Logging
import Retry
import Staging

/// The worker's pipeline, run on one dedicated thread: poll → decode into builders → close the
/// batch at the window or a size limit → `BatchFlusher` (dedup, enrich, stage, commit).
///
/// Rebalances arrive on the same thread inside `poll`: before partitions are revoked the open
/// batch is committed; when partitions are lost it is abandoned. An abandoned batch (fenced,
/// or failed after retries) is rewound: every partition still owned goes back to where the
/// batch started, so nothing is skipped, and the next attempt waits out a jittered backoff.
///
/// Schema versions: a batch whose evolved version another worker claimed with a different
/// declaration is abandoned and rewound; the pipeline adopts that declaration as the version
/// (a decoder rebuilt from the catalog with it) and decodes the records again, which derives
/// its own change as the next version.
final class Pipeline {
    private let consumer: KafkaConsumer
    private var decoder: ChangeDecoder
    /// The catalog the decoder was built from, plus every version committed or adopted since.
    private var catalog: Catalog
    private let makeDecoder: (Catalog) throws -> ChangeDecoder
    private let flusher: BatchFlusher
    private let committer: StagingCommitter
    private let feeds: DimensionFeeds
    private let telemetry: Telemetry
    private let options: PipelineOptions
    private let clock: PipelineClock
    private let topics: [String]
    private let onCommit: (CommitRecord) -> Void
    private let backoff = FullJitterBackoff(initialDelay: .milliseconds(200), maxDelay: .seconds(30))

    private var batch = OpenBatch()
    private var routes: [String: TopicRoute] = [:]
    private var carriedSchemaChanges: [SchemaChange] = []
    private var failure: (any Error)?
    private var atEnd: Set<SourcePartition> = []
    /// The heartbeats consumed, for the batches' caught-up partitions (see `HeartbeatWindow`).
    private var heartbeats: HeartbeatWindow
    private var consecutiveFailures = 0
    /// True while a rebalance handler runs: a failed flush must not hold the rebalance up.
    private var inRebalance = false
    /// The stop request of the current `run`, checked while sleeping between attempts.
    private var stopRequested: () -> Bool = { false }
    private var lastSweepMillis: Int64?
    /// Failed attempts at writing deferred committed records, and when to try next.
    private var deferredAttempts = 0
    private var nextDeferredAttempt = ContinuousClock.now

    init(
        consumer: KafkaConsumer, decoder: ChangeDecoder, catalog: Catalog, makeDecoder: @escaping (Catalog) throws -> ChangeDecoder,
        flusher: BatchFlusher, committer: StagingCommitter,
        feeds: DimensionFeeds, telemetry: Telemetry, options: PipelineOptions, clock: PipelineClock, topics: [String],
        onCommit: @escaping (CommitRecord) -> Void = { _ in }
    ) {
        self.consumer = consumer
        self.decoder = decoder
        self.catalog = catalog
        self.makeDecoder = makeDecoder
        self.flusher = flusher
        self.committer = committer
        self.feeds = feeds
        self.telemetry = telemetry
        self.options = options
        self.clock = clock
        self.topics = topics
        self.onCommit = onCommit
        heartbeats = HeartbeatWindow(marginMillis: options.heartbeatMarginMillis)
    }

    /// Consumes until `shouldStop` returns true (or, with `stopWhenDrained`, until every
    /// assigned partition is read to its end), then commits the open batch and leaves the group.
    func run(shouldStop: @escaping () -> Bool) throws {
        // Dimensions are loaded before the first record is processed.
        guard try feeds.loadAll(nowMillis: clock.wallMillis(), shouldStop: shouldStop) else {
            telemetry.logger.info("stopped while bootstrapping the dimensions; nothing was consumed")
            feeds.close()
            return
        }
        stopRequested = shouldStop
        consumer.setRebalanceHandler { [unowned self] event in self.rebalanced(event) }
        try consumer.subscribe(topics)
        while !shouldStop() {
            if let failure { throw failure }
            let now = clock.monotonicMillis()
            let summary = try consumer.poll(maxMessages: options.pollBatch, timeout: options.pollTimeout) { message in
                consume(message, nowMillis: now)
            }
            for end in summary.partitionsAtEnd {
                atEnd.insert(SourcePartition(topic: end.topic, partition: end.partition))
                telemetry.logger.debug("end of partition", metadata: ["partition": "\(end)"])
            }
            if let failure { throw failure }
            if shouldClose(nowMillis: clock.monotonicMillis()) || (options.stopWhenDrained && isCaughtUp) {
                try flush()
            }
            try maintain()
            if options.stopWhenDrained && batch.isEmpty && isCaughtUp {
                telemetry.logger.info("input drained: every owned partition is read to its end", metadata: [
                    "partitions": "\(consumer.ownedPartitions.count)"])
                break
            }
        }
        let committed = try flush()
        try consumer.close()
        feeds.close()
        telemetry.emit(.readiness(false))
        if !committed {
            throw RuntimeError(
                .staging,
                "the open batch could not be committed before stopping; its offsets are not committed, so the group's next owner reads its records again")
        }
        if committer.hasDeferred {
            do {
                try finishDeferred()
            } catch {
                throw RuntimeError(
                    .staging,
                    "a committed batch's committed record could not be written before stopping; the next owner of its partitions writes it on assignment",
                    underlying: error)
            }
        }
    }

    // MARK: Consuming

    private func consume(_ message: KafkaMessageView, nowMillis: Int64) {
        let route: TopicRoute
        if let known = routes[message.topic] {
            route = known
        } else {
            route = decoder.route(forTopic: message.topic)
            routes[message.topic] = route
        }
        let partition = SourcePartition(topic: message.topic, partition: message.partition)
        let outcome = decoder.decode(
            route: route, partition: message.partition, offset: message.offset, timestampMs: message.timestampMs ?? 0,
            key: message.key, value: message.value)
        batch.record(outcome, partition, offset: message.offset, nowMillis: nowMillis)
        if case .heartbeat(let micros?) = outcome { heartbeats.seen(sourceMillis: micros / 1000, atMillis: nowMillis) }
        if !atEnd.isEmpty { atEnd.remove(partition) }
    }

    private func shouldClose(nowMillis: Int64) -> Bool {
        guard let opened = batch.openedAtMillis else { return false }
        if nowMillis - opened >= options.windowMillis { return true }
        return batch.deadLetters.count + decoder.totalBufferedRows >= options.maxBatchRows
            || batch.deadLetterBytes + decoder.totalBufferedBytes >= options.maxBatchBytes
    }

    /// True when every owned partition was read to its end (needs `enable.partition.eof`).
    private var isCaughtUp: Bool {
        let owned = consumer.ownedPartitions
        return !owned.isEmpty && owned.allSatisfy { atEnd.contains(SourcePartition(topic: $0.topic, partition: $0.partition)) }
    }

    // MARK: Committing

    /// Commits the open batch; on a fence or a failure abandons and rewinds it. Returns false
    /// when the batch was abandoned.
    @discardableResult
    private func flush() throws -> Bool {
        guard !batch.isEmpty else { return true }
        // A deferred batch first, reported here (the committer's `begin` would finish it silently,
        // or refuse to start this one while it cannot).
        if committer.hasDeferred { try? finishDeferred() }
        carriedSchemaChanges += decoder.takeSchemaChanges()
        var tables: [DecodedBatch] = []
        for table in decoder.tableIDs where decoder.bufferedRowCount(table) > 0 {
            tables.append(try decoder.takeBatch(table))
        }
        var stats = batch.stats
        stats.heartbeatMillis = heartbeats.qualifying(nowMillis: clock.monotonicMillis())
        // The batch's age starts before its id is made (`CommitTiming`).
        let started = clock.monotonicMillis()
        var input = BatchInput(
            batchID: BatchID(createdAtMillis: clock.wallMillis(), random: UInt64.random(in: 0...UInt64.max)),
            sources: Array(batch.ranges.values), tables: tables, deadLetters: batch.deadLetters,
            schemaChanges: carriedSchemaChanges, stats: stats, startedAtMillis: started)
        input.caughtUp = consumer.ownedPartitions.map { SourcePartition(topic: $0.topic, partition: $0.partition) }.filter(atEnd.contains)
        do {
            let record = try flusher.flush(input)
            movePast(record.batchID)
            telemetry.emit(.batchCommitted(record, durationMillis: clock.monotonicMillis() - started))
            onCommit(record)
            return true
        } catch let crash as SimulatedCrash {
            throw crash
        } catch let error as EngineError where error.code == .fenced {
            abandon(input.batchID, reason: error.message, fenced: true)
            return false
        } catch let error as EngineError where error.code == .finalizeDeferred {
            // Kafka holds the batch: go on past it. The committer writes its committed record
            // before it fences another batch (`maintain` keeps trying meanwhile).
            movePast(input.batchID)
            telemetry.logger.warning("batch committed; its committed record is deferred", metadata: ["error": "\(error)"])
            return true
        } catch let error as EngineError where error.code == .commitOutcomeUnknown {
            return try resolveFromKafka(input, after: error)
        } catch let error as EngineError where error.code == .schemaConflict {
            abandon(input.batchID, reason: error.message, fenced: false)
            guard let conflict = error.underlying as? SchemaVersionConflict else { throw error }
            try adopt(conflict)
            return false
        } catch {
            abandon(input.batchID, reason: "\(error)", fenced: false)
            if let fatal = FatalErrors.classify(error) { throw fatal }
            consecutiveFailures += 1
            guard !inRebalance else { return false }
            let delay = backoff.delay(forRetry: consecutiveFailures, unitRandom: Double.random(in: 0..<1))
            sleepUnlessStopping(delay)
            return false
        }
    }

    /// A batch whose fence may have been applied is kept in the store; Kafka decides. Its
    /// partitions this worker still owns are recovered (a batch Kafka names is finished) and
    /// resume from the offsets Kafka holds, so nothing is staged twice or skipped; partitions
    /// it lost are the next owner's, whose `recover` does the same. Returns whether Kafka holds
    /// the batch. When Kafka cannot be read, the worker stops: restarting is safe.
    private func resolveFromKafka(_ input: BatchInput, after error: EngineError) throws -> Bool {
        let owned = input.sources.map(\.source).filter { consumer.owns(KafkaTopicPartition(topic: $0.topic, partition: $0.partition)) }
        let recovery: StagingCommitter.Recovery
        let committed: [KafkaTopicPartitionOffset]
        do {
            recovery = try committer.recover(owned)
            committed = try consumer.committed(owned.map { KafkaTopicPartition(topic: $0.topic, partition: $0.partition) }, timeout: .seconds(10))
        } catch let readError {
            throw RuntimeError(
                .kafka, "cannot tell whether batch \(input.batchID) was committed (\(error)), nor read Kafka's offsets (\(readError)); restarting is safe",
                underlying: error)
        }
        report(recovery)
        let landed = recovery.finished.contains(input.batchID)
        telemetry.emit(.batchUncertain(input.batchID, committed: landed))
        var resume: [SourcePartition: Int64] = [:]
        for entry in committed where entry.offset >= 0 {
            resume[SourcePartition(topic: entry.topicPartition.topic, partition: entry.topicPartition.partition)] = entry.offset
        }
        abandon(nil, reason: "offset commit outcome resolved from Kafka", fenced: false, to: resume)
        if landed { movePast(input.batchID) }
        return landed
    }

    /// Takes the claimed declaration of `conflict` as that version of its table: the versions
    /// this worker derived below it (of that table, and every version of the others) stay, its
    /// own at and above it are dropped, and the decoder is rebuilt from the catalog with them.
    /// The rewound records are decoded again: this worker's change becomes the next version,
    /// and its next batch announces the adopted version too, so committed versions stay
    /// numbered without gaps.
    private func adopt(_ conflict: SchemaVersionConflict) throws {
        let adopted = try Catalog.definition(yaml: conflict.definition, path: "the claim of \(conflict.table) v\(conflict.version)")
        var next = catalog
        var kept: [SchemaChange] = []
        for change in carriedSchemaChanges where !(change.table == conflict.table && change.toVersion >= conflict.version) {
            if change.toVersion > next.table(change.table)?.current.version ?? .max { next = try next.adding(version: change.definition) }
            kept.append(change)
        }
        guard let previous = next.table(conflict.table)?.current, previous.version == conflict.version - 1 else {
            throw RuntimeError(.staging, "version \(conflict.version) of \(conflict.table) was claimed, but this worker does not know the version before it")
        }
        next = try next.adding(version: adopted)
        decoder = try makeDecoder(next)
        routes = [:]
        catalog = next
        carriedSchemaChanges = kept + [SchemaChange(previous: previous, definition: adopted)]
        telemetry.logger.notice("adopted a schema version another worker claimed; this worker's change follows it", metadata: [
            "table": "\(conflict.table)", "version": "\(conflict.version)"])
    }

    /// Reports what `recover` found: batches it finished, and batches Kafka names that the
    /// staging store has no record of (an alert).
    private func report(_ recovery: StagingCommitter.Recovery) {
        if !recovery.finished.isEmpty { telemetry.emit(.recovered(recovery.finished)) }
        if !recovery.unrecorded.isEmpty { telemetry.emit(.unrecordedBatches(recovery.unrecorded)) }
    }

    /// Writes the committed records deferred after their fence and reports those batches like
    /// any committed batch.
    private func finishDeferred() throws {
        let finished = try committer.finishDeferred()
        for record in finished {
            telemetry.logger.info("deferred committed record written", metadata: ["batch": "\(record.batchID)"])
            onCommit(record)
        }
    }

    /// Sleeps for `delay`, in short slices, returning early once a stop is requested.
    private func sleepUnlessStopping(_ delay: Duration) {
        let end = ContinuousClock.now + delay
        while ContinuousClock.now < end, !stopRequested() {
            RetryPolicy.threadSleep(min(.milliseconds(100), end - ContinuousClock.now))
        }
    }

    /// Starts a new batch after `committed`, whose offsets Kafka holds; the versions it
    /// introduced join the catalog.
    private func movePast(_ committed: BatchID) {
        for change in carriedSchemaChanges where change.toVersion > catalog.table(change.table)?.current.version ?? .max {
            do {
                catalog = try catalog.adding(version: change.definition)
            } catch {
                telemetry.logger.warning("a committed schema version does not follow the pipeline's catalog", metadata: [
                    "table": "\(change.table)", "version": "\(change.toVersion)", "error": "\(error)"])
            }
        }
        carriedSchemaChanges = []
        consecutiveFailures = 0
        batch = OpenBatch()
        feeds.checkpoint(batch: committed)
    }

    /// Drops the open batch and rewinds its partitions that this worker still owns: to where
    /// the batch started, or to `targets` (Kafka's committed offsets) where given.
    private func abandon(
        _ batchID: BatchID?, reason: String, fenced: Bool, except lost: Set<SourcePartition> = [],
        to targets: [SourcePartition: Int64] = [:]
    ) {
        for table in decoder.tableIDs where decoder.bufferedRowCount(table) > 0 {
            _ = try? decoder.takeBatch(table)
        }
        carriedSchemaChanges += decoder.takeSchemaChanges()
        let rewind = batch.startOffsets.filter { !lost.contains($0.key) }.compactMap { partition, start -> KafkaTopicPartitionOffset? in
            let topicPartition = KafkaTopicPartition(topic: partition.topic, partition: partition.partition)
            return consumer.owns(topicPartition) ? KafkaTopicPartitionOffset(topicPartition, offset: targets[partition] ?? start) : nil
        }
        do {
            try consumer.seek(rewind, timeout: .seconds(10))
        } catch {
            failure = RuntimeError(.kafka, "cannot rewind after abandoning a batch: \(error)", underlying: error)
        }
        atEnd.subtract(batch.startOffsets.keys)
        if let batchID { telemetry.emit(.batchAbandoned(batchID, reason: reason, fenced: fenced)) }
        batch = OpenBatch()
    }

    // MARK: Rebalances (on this thread, inside poll)

    private func rebalanced(_ event: KafkaRebalanceEvent) {
        inRebalance = true
        defer { inRebalance = false }
        let partitions = event.partitions.map { SourcePartition(topic: $0.topic, partition: $0.partition) }
        switch event {
        case .assigned:
            do {
                report(try committer.recover(partitions))
            } catch {
                failure = error
            }
            telemetry.emit(.partitionsAssigned(partitions))
            telemetry.emit(.readiness(true))
        case .revoking:
            if batch.touches(partitions) {
                do {
                    try flush()
                } catch {
                    failure = error
                }
            }
            atEnd.subtract(partitions)
            telemetry.emit(.partitionsRevoked(partitions))
        case .lost:
            if batch.touches(partitions) {
                abandon(nil, reason: "partitions lost", fenced: true, except: Set(partitions))
            }
            atEnd.subtract(partitions)
            telemetry.emit(.partitionsLost(partitions))
        }
    }

    // MARK: Housekeeping

    private func maintain() throws {
        if !committer.hasDeferred {
            deferredAttempts = 0
        } else if ContinuousClock.now >= nextDeferredAttempt {
            do {
                try finishDeferred()
            } catch {
                deferredAttempts += 1
                nextDeferredAttempt = .now + backoff.delay(forRetry: deferredAttempts, unitRandom: Double.random(in: 0..<1))
                telemetry.logger.warning(
                    "a committed batch's committed record still cannot be written; retrying", metadata: ["error": "\(error)"])
            }
        }
        feeds.refreshIfDue(nowMillis: clock.wallMillis())
        feeds.catchUp()
        let now = clock.monotonicMillis()
        if lastSweepMillis.map({ now - $0 >= options.sweepIntervalMillis }) ?? true {
            lastSweepMillis = now
            do {
                let swept = try committer.sweep(nowMillis: clock.wallMillis(), graceMillis: options.sweepGraceMillis)
                telemetry.emit(.swept(committed: swept.committed.count, abandoned: swept.abandoned.count))
            } catch {
                telemetry.logger.warning("sweep failed; it runs again next interval", metadata: ["error": "\(error)"])
            }
        }
    }
}
