import Foundation
import Kafka
import Staging
import Synchronization

/// A backfill of Kafka records whose timestamps lie in a range, beside the live worker.
///
/// 1. **Plan** (first run only; stored with the staging data): for every partition of the
///    topics, the start is the first offset at or after `from` and the end the first at or
///    after `to` (`offsetsForTimes`: the brokers' ListOffsets by time, else the binary search
///    over record timestamps), so the end never exceeds the high watermark of that moment and
///    the range stays bounded while producers write.
/// 2. **Resume**: the backfill's own consumer group (`BackfillGroup`) holds the committed end
///    of every batch, fenced exactly like the worker's; a partition resumes there, and batches
///    a crashed run fenced without recording are finished first (`StagingCommitter.recover`).
/// 3. **Read**: partitions are split into slices read in parallel, each by its own consumer
///    (manual assignment: no group rebalance, the live group untouched) and its own batch, the
///    worker's memory bound divided among them.
enum KafkaBackfill {
    /// Plans (or loads the plan of) `group` over `topics`.
    static func plan(assembly: WorkerAssembly, group: String, range: BackfillRange, topics: [String], timeout: Duration) throws -> BackfillPlan {
        if let stored = try BackfillPlan.load(group: group, from: assembly.store) {
            guard stored.from == UTCInstant.text(range.fromMillis), stored.to == UTCInstant.text(range.toMillis) else {
                throw RuntimeError(.configuration, "the stored plan of \(group) covers [\(stored.from), \(stored.to)), not \(range)")
            }
            return stored
        }
        let consumer = try assembly.makeConsumer(group: group)
        defer { try? consumer.close() }
        var partitions: [KafkaTopicPartition] = []
        for topic in topics {
            partitions += try consumer.partitions(of: topic, timeout: timeout).map { KafkaTopicPartition(topic: topic, partition: $0) }
        }
        let starts = try consumer.offsetsForTimes(
            Dictionary(uniqueKeysWithValues: partitions.map { ($0, range.fromMillis) }), timeout: timeout)
        let endOf: [KafkaTopicPartition: Int64]
        if range.toMillis > PipelineClock.system.wallMillis() {
            // A range ending in the future ends at today's high watermarks: later records are
            // not this backfill's, and any stamped at or after `to` by a skewed producer clock
            // is skipped when read (the reader checks every record's timestamp).
            endOf = try consumer.watermarks(partitions, timeout: timeout).mapValues(\.high)
        } else {
            let ends = try consumer.offsetsForTimes(
                Dictionary(uniqueKeysWithValues: partitions.map { ($0, range.toMillis) }), timeout: timeout)
            endOf = Dictionary(uniqueKeysWithValues: ends.map { ($0.topicPartition, $0.offset) })
        }
        let plan = BackfillPlan(
            group: group, range: range, createdAtMillis: PipelineClock.system.wallMillis(),
            partitions: starts.map { start in
                BackfillPlan.Partition(
                    source: SourcePartition(topic: start.topic, partition: start.partition), start: start.offset,
                    end: endOf[start.topicPartition] ?? start.offset)
            })
        try assembly.store.put(BackfillPlan.key(group: group), data: try plan.encoded())
        return plan
    }

    /// Where each partition of `plan` resumes: the backfill group's committed offset, clamped to
    /// the planned offsets.
    static func resumePoints(assembly: WorkerAssembly, plan: BackfillPlan, timeout: Duration) throws -> [BackfillPlan.Partition] {
        let consumer = try assembly.makeConsumer(group: plan.group)
        defer { try? consumer.close() }
        let committed = try consumer.committed(
            plan.partitions.map { KafkaTopicPartition(topic: $0.source.topic, partition: $0.source.partition) }, timeout: timeout)
        let resumed = Dictionary(
            committed.filter { $0.offset >= 0 }.map { (SourcePartition(topic: $0.topic, partition: $0.partition), $0.offset) },
            uniquingKeysWith: max)
        return plan.partitions.map { planned in
            let from = min(planned.end, max(planned.start, resumed[planned.source] ?? planned.start))
            return BackfillPlan.Partition(source: planned.source, start: from, end: planned.end)
        }
    }

    /// Splits partitions into at most `count` slices of similar offset spans (largest first,
    /// each to the least loaded slice).
    static func slices(_ partitions: [BackfillPlan.Partition], count: Int) -> [[BackfillPlan.Partition]] {
        let work = partitions.sorted { ($0.span, $1.source) > ($1.span, $0.source) }
        var slices = [[BackfillPlan.Partition]](repeating: [], count: max(1, min(count, work.count)))
        var loads = [Int64](repeating: 0, count: slices.count)
        for partition in work {
            let index = loads.indices.min { loads[$0] < loads[$1] } ?? 0
            slices[index].append(partition)
            loads[index] += partition.span
        }
        return slices.filter { !$0.isEmpty }
    }

    /// Reads `partitions` in parallel slices, each on its own thread, until done or
    /// `shouldStop`; returns true when every partition was read to its planned end. The first
    /// failure stops every slice (each commits its open batch) and is thrown.
    static func read(
        assembly: WorkerAssembly, group: String, partitions: [BackfillPlan.Partition], range: BackfillRange, eventTime: Bool,
        parallelism: Int, counters: ProgressCounters, collector: BackfillCollector, shouldStop: @escaping @Sendable () -> Bool
    ) throws -> Bool {
        // Every planned partition gets recovered, read or not: a crashed run may have fenced the
        // last batch of a partition that is complete now.
        let groups = slices(partitions, count: parallelism)
        let outcome = Mutex<(complete: Int, failure: (any Error)?)>((0, nil))
        let stopAll = Atomic<Bool>(false)
        let finished = DispatchGroup()
        for (index, work) in groups.enumerated() {
            finished.enter()
            let thread = Thread {
                defer { finished.leave() }
                do {
                    let slice = try KafkaBackfillSlice(
                        assembly: assembly, group: group,
                        partitions: work.map { (KafkaTopicPartition(topic: $0.source.topic, partition: $0.source.partition), $0.start, $0.end) },
                        range: range, eventTime: eventTime, share: groups.count, counters: counters, collector: collector)
                    try slice.recover(
                        sweepGraceMillis: index == 0 ? assembly.configuration.pipeline.sweepGrace.milliseconds : nil,
                        nowMillis: PipelineClock.system.wallMillis())
                    if try slice.run(shouldStop: { shouldStop() || stopAll.load(ordering: .relaxed) }) {
                        outcome.withLock { $0.complete += 1 }
                    }
                } catch {
                    stopAll.store(true, ordering: .relaxed)
                    outcome.withLock { if $0.failure == nil { $0.failure = error } }
                }
            }
            thread.name = "millrace-backfill-\(index)"
            thread.stackSize = 8 << 20
            thread.start()
        }
        finished.wait()
        let result = outcome.withLock { $0 }
        if let failure = result.failure { throw failure }
        return result.complete == groups.count
    }
}
