import CDC
import Catalog
import Engine
import Failures
import Foundation
import Kafka
import Logging
import Retry
import Staging

/// The worker's pipeline, run on one dedicated thread: poll → decode into builders → close the
/// batch at the window or a size limit → `BatchFlusher` (enrich, dedup, stage, commit). Every
/// decision (when to close, what a commit's outcome leads to, what a rebalance does, when the
/// periodic jobs run, when to stop) is `BatchLifecycle`'s; this type does the I/O it asks for.
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

    private var lifecycle: BatchLifecycle
    private var batch = OpenBatch()
    private var routes: [String: TopicRoute] = [:]
    private var ends = PartitionEnds()
    /// The heartbeats consumed, for the batches' caught-up partitions (see `HeartbeatWindow`).
    private var heartbeats: HeartbeatWindow
    /// The error that stopped the worker inside a rebalance (the lifecycle is `failed`); thrown
    /// once the poll returns.
    private var rebalanceError: (any Error)?
    /// True while a rebalance handler runs: a failed commit must not hold the rebalance up.
    private var inRebalance = false
    private var startup = StartupTimeline(startedAtMillis: 0)
    /// Partitions per topic, read from Kafka's metadata once per topic.
    private var knownPartitionCounts: [String: Int] = [:]

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
        lifecycle = BatchLifecycle(
            limits: BatchLimits(windowMillis: options.windowMillis, maxRows: options.maxBatchRows, maxBytes: options.maxBatchBytes),
            stopsWhenDrained: options.stopWhenDrained, sweepIntervalMillis: PipelineOptions.sweepIntervalMillis)
        heartbeats = HeartbeatWindow(marginMillis: options.heartbeatMarginMillis)
    }

    /// Consumes until `shouldStop` returns true (or, with `stopWhenDrained`, until every
    /// assigned partition is read to its end), then commits the open batch and leaves the group.
    func run(shouldStop: @escaping () -> Bool) throws {
        startup = StartupTimeline(startedAtMillis: clock.monotonicMillis())
        // Dimensions are loaded before the group is joined: a member that subscribed and does
        // not poll while a bootstrap runs would sit in a pending rebalance, and one that passes
        // max.poll.interval.ms there meets librdkafka 2.0.2's stalled-member defect
        // (docs/Kafka.md). The bootstrap reads watermarks first, so it costs milliseconds when
        // the checkpoint is recent.
        guard try feeds.loadAll(nowMillis: clock.wallMillis(), shouldStop: shouldStop) else {
            telemetry.logger.info("stopped while bootstrapping the dimensions; nothing was consumed")
            try? consumer.close()
            feeds.close()
            return
        }
        startup.dimensionsLoaded(atMillis: clock.monotonicMillis())
        consumer.setRebalanceHandler { [unowned self] event in self.rebalanced(event) }
        try consumer.subscribe(topics)
        lifecycle.started()
        while !shouldStop() {
            telemetry.emit(.pipelineProgress(
                atMillis: clock.monotonicMillis(), batchOpenedAtMillis: batch.openedAtMillis, boundMillis: options.livenessBoundMillis))
            guard lifecycle.mayPoll(nowMillis: clock.monotonicMillis()) else {
                // Backing off after a failed commit: nothing is open (the batch was rewound).
                RetryPolicy.threadSleep(.milliseconds(100))
                continue
            }
            let now = clock.monotonicMillis()
            let summary = try consumer.poll(maxMessages: options.pollBatch, timeout: PipelineOptions.pollTimeout) { message in
                consume(message, nowMillis: now)
            }
            if summary.messageCount > 0, startup.fetched(atMillis: clock.monotonicMillis()) { telemetry.emit(.startedConsuming(startup)) }
            for end in summary.partitionsAtEnd {
                ends.reachedEnd(SourcePartition(topic: end.topic, partition: end.partition))
                telemetry.logger.debug("end of partition", metadata: ["partition": "\(end)"])
            }
            try throwIfFailed()
            let owned = ownedPartitions
            let decision = lifecycle.afterPoll(
                nowMillis: clock.monotonicMillis(), openedAtMillis: batch.openedAtMillis,
                rows: batch.deadLetters.count + decoder.totalBufferedRows, bytes: batch.deadLetterBytes + decoder.totalBufferedBytes,
                drained: ends.drained(owned))
            if decision == .commit { try commit() }
            try runJobs()
            if lifecycle.isFinished(drained: ends.drained(ownedPartitions), batchIsEmpty: batch.isEmpty) {
                telemetry.logger.info("input drained: every owned partition is read to its end", metadata: [
                    "partitions": .stringConvertible(owned.count)])
                break
            }
        }
        lifecycle.stopRequested()
        let committed = try commit()
        try consumer.close()
        feeds.close()
        lifecycle.finished()
        telemetry.emit(.readiness(false))
        if !committed {
            throw RuntimeError(
                .staging,
                "the open batch could not be committed before stopping; its offsets are not committed, so the group's next owner reads its records again")
        }
        if committer.hasDeferred {
            do {
                try writeDeferredRecords()
            } catch {
                throw RuntimeError(
                    .staging,
                    "a committed batch's committed record could not be written before stopping; the next owner of its partitions writes it on assignment",
                    underlying: error)
            }
        }
    }

    /// The partitions this worker owns now.
    /// How many partitions each of `topics` has (read once per topic; a topic whose metadata
    /// cannot be read now is left out of this batch's record and asked again next time).
    private func partitionCounts(of topics: Set<String>) -> [String: Int] {
        for topic in topics where knownPartitionCounts[topic] == nil {
            if let partitions = try? consumer.partitions(of: topic, timeout: PipelineOptions.metadataTimeout), !partitions.isEmpty {
                knownPartitionCounts[topic] = partitions.count
            }
        }
        return knownPartitionCounts.filter { topics.contains($0.key) }
    }

    private var ownedPartitions: [SourcePartition] {
        consumer.ownedPartitions.map { SourcePartition(topic: $0.topic, partition: $0.partition) }
    }

    /// Throws what stopped the worker inside a rebalance.
    private func throwIfFailed() throws {
        guard case .failed(let reason) = lifecycle.state else { return }
        throw rebalanceError ?? RuntimeError(.kafka, reason)
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
        ends.consumed(partition)
    }

    // MARK: Committing

    /// Commits the open batch and carries out what its outcome leads to (`BatchLifecycle`).
    /// Returns false when the batch was abandoned.
    @discardableResult
    private func commit() throws -> Bool {
        guard !batch.isEmpty else { return true }
        // A deferred batch first, reported here (the committer's `begin` would finish it silently,
        // or refuse to start this one while it cannot).
        if committer.hasDeferred { try? writeDeferredRecords() }
        batch.carry(decoder.takeSchemaChanges())
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
            schemaChanges: batch.schemaChanges, stats: stats, startedAtMillis: started)
        input.caughtUp = ends.atEnd(ownedPartitions)
        input.partitionCounts = partitionCounts(of: Set(input.sources.map(\.source.topic) + input.caughtUp.map(\.topic)))
        let outcome: BatchLifecycle.CommitOutcome
        var failure: (any MillraceError)?
        do {
            let record = try flusher.flush(input)
            telemetry.emit(.batchCommitted(record, durationMillis: clock.monotonicMillis() - started))
            onCommit(record)
            outcome = .committed
        } catch let error as EngineError where error.code == .finalizeDeferred {
            telemetry.logger.warning("batch committed; its committed record is deferred", metadata: ["error": "\(error)"])
            outcome = .committedRecordDeferred
        } catch let error as EngineError where [.fenced, .commitOutcomeUnknown, .schemaConflict].contains(error.code) {
            failure = error
            outcome = error.code == .fenced ? .fenced : error.code == .schemaConflict ? .schemaConflict : .outcomeUnknown
        } catch let error as any MillraceError {
            failure = error
            outcome = .failed(fatal: FatalErrors.classify(error) != nil)
        }
        let action = lifecycle.committed(outcome, at: clock.monotonicMillis(), inRebalance: inRebalance, unitRandom: Double.random(in: 0..<1))
        switch action {
        case .movePast:
            movePast(input.batchID)
            return true
        case .abandon:
            abandon(input.batchID, reason: failure?.explanation ?? "", fenced: outcome == .fenced)
            return false
        case .resolveFromKafka:
            return try resolveFromKafka(input, after: failure)
        case .adoptClaimedVersion:
            abandon(input.batchID, reason: failure?.explanation ?? "", fenced: false)
            guard let conflict = failure?.underlying as? SchemaVersionConflict else {
                throw failure ?? RuntimeError(.staging, "a schema conflict without its claim")
            }
            try adopt(conflict)
            return false
        case .stop:
            abandon(input.batchID, reason: failure?.explanation ?? "", fenced: false)
            throw failure.flatMap { FatalErrors.classify($0) } ?? RuntimeError(.staging, "the worker must stop")
        case .none, .commit:
            return false
        }
    }

    /// A batch whose fence may have been applied is kept in the store; Kafka decides. Its
    /// partitions this worker still owns are recovered (a batch Kafka names is finished) and
    /// resume from the offsets Kafka holds, so nothing is staged twice or skipped; partitions
    /// it lost are the next owner's, whose `recover` does the same. Returns whether Kafka holds
    /// the batch. When Kafka cannot be read, the worker stops: restarting is safe.
    private func resolveFromKafka(_ input: BatchInput, after error: (any MillraceError)?) throws -> Bool {
        let owned = input.sources.map(\.source).filter { consumer.owns(KafkaTopicPartition(topic: $0.topic, partition: $0.partition)) }
        let recovery: StagingCommitter.Recovery
        let committed: [KafkaTopicPartitionOffset]
        do {
            recovery = try committer.recover(owned)
            committed = try consumer.committed(owned.map { KafkaTopicPartition(topic: $0.topic, partition: $0.partition) }, timeout: .seconds(10))
        } catch let readError {
            throw RuntimeError(
                .kafka, "cannot tell whether batch \(input.batchID) was committed, nor read Kafka's offsets (\(readError)); restarting is safe",
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
        for change in batch.schemaChanges where !(change.table == conflict.table && change.toVersion >= conflict.version) {
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
        batch.replaceSchemaChanges(kept + [SchemaChange(previous: previous, definition: adopted)])
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
    private func writeDeferredRecords() throws {
        let finished = try committer.finishDeferred()
        for record in finished {
            telemetry.logger.info("deferred committed record written", metadata: ["batch": "\(record.batchID)"])
            onCommit(record)
        }
    }

    /// Starts a new batch after `committed`, whose offsets Kafka holds; the versions it
    /// introduced join the catalog.
    private func movePast(_ committed: BatchID) {
        for change in batch.schemaChanges where change.toVersion > catalog.table(change.table)?.current.version ?? .max {
            do {
                catalog = try catalog.adding(version: change.definition)
            } catch {
                telemetry.logger.warning("a committed schema version does not follow the pipeline's catalog", metadata: [
                    "table": "\(change.table)", "version": .stringConvertible(change.toVersion), "error": "\(error)"])
            }
        }
        batch = OpenBatch()
        feeds.checkpoint(batch: committed)
    }

    /// Drops the open batch and rewinds its partitions that this worker still owns: to where
    /// the batch started, or to `targets` (Kafka's committed offsets) where given. The schema
    /// changes it carried stay for the next batch.
    private func abandon(
        _ batchID: BatchID?, reason: String, fenced: Bool, except lost: Set<SourcePartition> = [],
        to targets: [SourcePartition: Int64] = [:]
    ) {
        for table in decoder.tableIDs where decoder.bufferedRowCount(table) > 0 {
            _ = try? decoder.takeBatch(table)
        }
        batch.carry(decoder.takeSchemaChanges())
        let rewind = batch.startOffsets.filter { !lost.contains($0.key) }.compactMap { partition, start -> KafkaTopicPartitionOffset? in
            let topicPartition = KafkaTopicPartition(topic: partition.topic, partition: partition.partition)
            return consumer.owns(topicPartition) ? KafkaTopicPartitionOffset(topicPartition, offset: targets[partition] ?? start) : nil
        }
        do {
            try consumer.seek(rewind, timeout: .seconds(10))
        } catch {
            fail(RuntimeError(.kafka, "cannot rewind after abandoning a batch", underlying: error))
        }
        ends.forget(batch.startOffsets.keys)
        if let batchID { telemetry.emit(.batchAbandoned(batchID, reason: reason, fenced: fenced)) }
        batch = batch.abandoned()
    }

    /// Stops the worker once the poll returns (a failure where it cannot be thrown).
    private func fail(_ error: any Error) {
        rebalanceError = rebalanceError ?? error
        lifecycle.fail("\(error)")
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
                fail(error)
            }
            startup.joined(atMillis: clock.monotonicMillis())
            telemetry.emit(.partitionsAssigned(partitions))
            telemetry.emit(.readiness(true))
        case .revoking:
            if lifecycle.revoking(touched: batch.touches(partitions)) == .commit {
                do {
                    try commit()
                } catch {
                    fail(error)
                }
            }
            ends.forget(partitions)
            telemetry.emit(.partitionsRevoked(partitions))
        case .lost:
            if lifecycle.lost(touched: batch.touches(partitions)) != .none {
                abandon(nil, reason: "partitions lost", fenced: true, except: Set(partitions))
            }
            ends.forget(partitions)
            telemetry.emit(.partitionsLost(partitions))
            // Out of the group until it rejoins and is assigned again.
            telemetry.emit(.readiness(false))
        }
    }

    // MARK: Periodic jobs

    /// Runs the jobs the lifecycle says are due.
    private func runJobs() throws {
        for job in lifecycle.jobsDue(nowMillis: clock.monotonicMillis(), hasDeferred: committer.hasDeferred) {
            switch job {
            case .writeDeferredRecords:
                do {
                    try writeDeferredRecords()
                    lifecycle.deferredRecords(succeeded: true, at: clock.monotonicMillis(), unitRandom: 0)
                } catch {
                    lifecycle.deferredRecords(succeeded: false, at: clock.monotonicMillis(), unitRandom: Double.random(in: 0..<1))
                    telemetry.logger.warning(
                        "a committed batch's committed record still cannot be written; retrying", metadata: ["error": "\(error)"])
                }
            case .refreshDimensions:
                feeds.refreshIfDue(nowMillis: clock.wallMillis())
                feeds.catchUp()
            case .sweep:
                do {
                    let swept = try committer.sweep(nowMillis: clock.wallMillis(), graceMillis: options.sweepGraceMillis)
                    telemetry.emit(.swept(committed: swept.committed.count, abandoned: swept.abandoned.count))
                } catch {
                    telemetry.logger.warning("sweep failed; it runs again next interval", metadata: ["error": "\(error)"])
                }
            }
        }
    }
}
