import Engine
import Kafka
import Staging

/// One thread's share of a Kafka backfill: a consumer in the backfill's group assigned its
/// partitions from where the group's committed offsets (or the plan) start them, reading up to
/// each partition's planned end, every message through the worker's decode → dedup → enrich →
/// stage → commit path, fenced by the backfill group's offset commit.
final class KafkaBackfillSlice {
    private let consumer: KafkaConsumer
    private let batches: BoundedBatches
    private let committer: StagingCommitter
    private let range: BackfillRange
    private let counters: ProgressCounters
    private let collector: BackfillCollector
    private let telemetry: Telemetry
    /// Messages per poll: a batch closes between polls, so one poll may overshoot the row limit by its size.
    private let pollBatch: Int
    /// Planned end per partition; partitions are removed as they finish.
    private var ends: [KafkaTopicPartition: Int64]
    /// Next offset to read per partition (progress counts the offsets between).
    private var positions: [KafkaTopicPartition: Int64]

    /// A slice reading `partitions` (each from `start` to `end`).
    init(
        assembly: WorkerAssembly, group: String, partitions: [(partition: KafkaTopicPartition, start: Int64, end: Int64)], range: BackfillRange,
        eventTime: Bool, share: Int, counters: ProgressCounters, collector: BackfillCollector
    ) throws {
        let configuration = assembly.configuration
        consumer = try assembly.makeConsumer(group: group) { Self.tune(&$0, share: share) }
        let parts = try assembly.makeFlushPath(
            fence: KafkaOffsetFence(consumer: consumer, telemetry: assembly.telemetry), followsChangelogs: true, fenceGroup: group)
        committer = parts.committer
        batches = BoundedBatches(
            parts: parts, maxRows: configuration.pipeline.maxBatchRows, maxBytes: max(1 << 20, configuration.pipeline.maxBatchBytes.bytes / share),
            windowMillis: configuration.pipeline.window.milliseconds, eventTimeWindow: eventTime ? range.micros : nil,
            clock: assembly.options.clock, telemetry: assembly.telemetry, onCommit: collector.committed)
        feeds = parts.feeds
        self.range = range
        self.counters = counters
        self.collector = collector
        telemetry = assembly.telemetry
        pollBatch = max(1, min(5_000, configuration.pipeline.maxBatchRows / 4))
        ends = Dictionary(uniqueKeysWithValues: partitions.map { ($0.partition, $0.end) })
        positions = Dictionary(uniqueKeysWithValues: partitions.map { ($0.partition, $0.start) })
    }

    private let feeds: DimensionFeeds

    /// A slice's consumer, reading retained data faster than the slice can process it:
    /// - partition ends reported (a partition whose log ends at its planned end finishes there);
    /// - the fetchers woken at most every 10 ms once the prefetch queue drains
    ///   (`fetchWakeIntervalMs`): the queue fills, and librdkafka 2.0.2 would fetch again only
    ///   a second later (on the mock cluster 200,000 records took 4 s of waiting for 0.3 s of
    ///   work), at some 100 small requests a second per broker;
    /// - so the prefetch needs to last only the wake interval and a fetch round trip: half the
    ///   worker's bound (`queued.max.messages.kbytes`), divided among the slices, 8 MiB each
    ///   at two (some 7,000 of the seed's 1.2 KB records, 10 ms at the slice's rate on the
    ///   development machine), the memory going to the slices' batches instead (2M records
    ///   peaked at 185 MB instead of 200-220 MB with the worker's whole bound);
    /// - long polls of 10 ms (`fetch.wait.max.ms`): a fetch of partitions that all reached
    ///   their log end waits that long for data that will never be this backfill's, and holds
    ///   up the next fetch of the same broker's other partitions (500 ms by default).
    /// `kafka.properties` may still set `fetch.wait.max.ms` and `queued.max.messages.kbytes`.
    static func tune(_ consumer: inout KafkaConsumerConfiguration, share: Int) {
        consumer.reportsPartitionEOF = true
        consumer.fetchWakeIntervalMs = 10
        consumer.queuedMaxMessagesKbytes = max(1_024, consumer.queuedMaxMessagesKbytes / (2 * max(1, share)))
        consumer.fetchWaitMaxMs = 10
    }

    /// Finishes batches a crashed run fenced but did not record, then resolves its own stale
    /// pending records (older than `sweepGraceMillis`).
    func recover(sweepGraceMillis: Int64?, nowMillis: Int64) throws {
        let partitions = ends.keys.map { SourcePartition(topic: $0.topic, partition: $0.partition) }
        let recovery = try committer.recover(partitions)
        if !recovery.finished.isEmpty { telemetry.emit(.recovered(recovery.finished)) }
        if let sweepGraceMillis {
            let swept = try committer.sweep(nowMillis: nowMillis, graceMillis: sweepGraceMillis)
            telemetry.emit(.swept(committed: swept.committed.count, abandoned: swept.abandoned.count))
        }
    }

    /// Reads every partition to its end, or until `shouldStop`; commits the open batch either
    /// way. Returns true when every partition was read to its end.
    func run(shouldStop: () -> Bool) throws -> Bool {
        defer {
            try? consumer.close()
            feeds.close()
        }
        guard try feeds.loadAll(nowMillis: PipelineClock.system.wallMillis(), shouldStop: shouldStop) else { return false }
        try consumer.assign(positions.map { KafkaTopicPartitionOffset($0.key, offset: $0.value) })
        while !ends.isEmpty && !shouldStop() {
            var skipped = 0
            var finished: Set<KafkaTopicPartition> = []
            var records: Int64 = 0
            var bytes: Int64 = 0
            var done: Int64 = 0
            let summary = try consumer.poll(maxMessages: pollBatch, timeout: .milliseconds(100)) { message in
                let partition = KafkaTopicPartition(topic: message.topic, partition: message.partition)
                guard let end = ends[partition], message.offset < end else {
                    // Past the planned end (read ahead in the same fetch): not this backfill's.
                    if ends[partition] != nil { finished.insert(partition) }
                    return
                }
                let source = SourcePartition(topic: message.topic, partition: message.partition)
                done += message.offset + 1 - (positions[partition] ?? message.offset)
                positions[partition] = message.offset + 1
                records += 1
                bytes += Int64((message.key?.count ?? 0) + (message.value?.count ?? 0))
                if let timestamp = message.timestampMs, !range.contains(timestamp) {
                    // Inside the planned offsets but stamped outside the range (producer clocks
                    // out of order): consumed, not staged.
                    batches.skip(source, offset: message.offset)
                    skipped += 1
                } else {
                    batches.decode(source, offset: message.offset, timestampMs: message.timestampMs ?? 0, key: message.key, value: message.value)
                }
                if message.offset + 1 >= end { finished.insert(partition) }
            }
            // The end of a partition's log is at or past its planned end (ends are never beyond
            // the high watermark the backfill started with): nothing more is this backfill's.
            for reached in summary.partitionsAtEnd {
                let partition = KafkaTopicPartition(topic: reached.topic, partition: reached.partition)
                if ends[partition] != nil { finished.insert(partition) }
            }
            for partition in finished {
                if let end = ends.removeValue(forKey: partition) {
                    done += max(0, end - (positions[partition] ?? end))
                    positions[partition] = end
                }
            }
            if !finished.isEmpty { try? consumer.pause(Array(finished)) }
            counters.add(records: records, bytes: bytes, done: done)
            collector.skipped(skipped)
            try batches.flushIfFull(exact: true)
        }
        try batches.finish()
        return ends.isEmpty
    }
}
