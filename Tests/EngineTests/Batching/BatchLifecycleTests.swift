import Engine
import Retry
import Staging
import Testing

/// The worker's batch lifecycle without Kafka: states, closing, commit outcomes, rebalances,
/// periodic jobs and stopping, with the time given by the test.
@Suite("Batch lifecycle")
struct BatchLifecycleTests {
    static let limits = BatchLimits(windowMillis: 30_000, maxRows: 1_000, maxBytes: 1 << 20)

    private func lifecycle(drained: Bool = false) -> BatchLifecycle {
        var lifecycle = BatchLifecycle(
            limits: Self.limits, stopsWhenDrained: drained, sweepIntervalMillis: 60_000,
            backoff: FullJitterBackoff(initialDelay: .seconds(1), maxDelay: .seconds(8)))
        lifecycle.started()
        return lifecycle
    }

    @Test("a batch closes at its window or a limit, never while empty; a bounded run also when drained")
    func closing() {
        let lifecycle = lifecycle()
        #expect(lifecycle.afterPoll(nowMillis: 100_000, openedAtMillis: nil, rows: 5_000, bytes: 0, drained: true) == .none)
        #expect(lifecycle.afterPoll(nowMillis: 29_999, openedAtMillis: 0, rows: 999, bytes: 10, drained: true) == .none)
        #expect(lifecycle.afterPoll(nowMillis: 30_000, openedAtMillis: 0, rows: 1, bytes: 10, drained: false) == .commit)
        #expect(lifecycle.afterPoll(nowMillis: 1, openedAtMillis: 0, rows: 1_000, bytes: 10, drained: false) == .commit)
        #expect(lifecycle.afterPoll(nowMillis: 1, openedAtMillis: 0, rows: 1, bytes: 1 << 20, drained: false) == .commit)
        let bounded = self.lifecycle(drained: true)
        #expect(bounded.afterPoll(nowMillis: 1, openedAtMillis: 0, rows: 1, bytes: 1, drained: true) == .commit)
        #expect(bounded.isFinished(drained: true, batchIsEmpty: true))
        #expect(!bounded.isFinished(drained: true, batchIsEmpty: false) && !lifecycle.isFinished(drained: true, batchIsEmpty: true))
    }

    @Test("commit outcomes: committed moves past, fenced abandons, unknown asks Kafka, a claim conflict adopts, a fatal failure stops")
    func outcomes() {
        var lifecycle = lifecycle()
        #expect(lifecycle.committed(.committed, at: 0, inRebalance: false, unitRandom: 0.5) == .movePast)
        #expect(lifecycle.committed(.committedRecordDeferred, at: 0, inRebalance: false, unitRandom: 0.5) == .movePast)
        #expect(lifecycle.committed(.fenced, at: 0, inRebalance: false, unitRandom: 0.5) == .abandon(exceptLost: false))
        #expect(lifecycle.committed(.outcomeUnknown, at: 0, inRebalance: false, unitRandom: 0.5) == .resolveFromKafka)
        #expect(lifecycle.committed(.schemaConflict, at: 0, inRebalance: false, unitRandom: 0.5) == .adoptClaimedVersion)
        #expect(lifecycle.state == .consuming, "none of these backs off")
        let action = lifecycle.committed(.failed(fatal: true), at: 0, inRebalance: false, unitRandom: 0.5)
        guard case .stop = action, case .failed = lifecycle.state else {
            Issue.record("a fatal failure must stop the worker: \(action), \(lifecycle.state)")
            return
        }
    }

    @Test("a failed commit backs off with growing full-jitter delays, reset by a success; inside a rebalance it does not wait")
    func backoff() {
        var lifecycle = lifecycle()
        #expect(lifecycle.committed(.failed(fatal: false), at: 10_000, inRebalance: false, unitRandom: 0.99) == .abandon(exceptLost: false))
        // First retry: at most the initial delay (1 s).
        guard case .backingOff(let first) = lifecycle.state else {
            Issue.record("\(lifecycle.state)")
            return
        }
        #expect(first > 10_000 && first <= 11_000)
        let early = lifecycle.mayPoll(nowMillis: first - 1)
        let onTime = lifecycle.mayPoll(nowMillis: first)
        #expect(!early && onTime && lifecycle.state == .consuming)
        _ = lifecycle.committed(.failed(fatal: false), at: 20_000, inRebalance: false, unitRandom: 0.99)
        guard case .backingOff(let second) = lifecycle.state else {
            Issue.record("\(lifecycle.state)")
            return
        }
        #expect(second > 21_000 && second <= 22_000, "the ceiling doubles: \(second)")
        let afterSecond = lifecycle.mayPoll(nowMillis: second)
        #expect(afterSecond)
        _ = lifecycle.committed(.committed, at: 30_000, inRebalance: false, unitRandom: 0.5)
        _ = lifecycle.committed(.failed(fatal: false), at: 40_000, inRebalance: false, unitRandom: 0.99)
        guard case .backingOff(let reset) = lifecycle.state else {
            Issue.record("\(lifecycle.state)")
            return
        }
        #expect(reset <= 41_000, "a success resets the delay")
        var rebalancing = self.lifecycle()
        #expect(rebalancing.committed(.failed(fatal: false), at: 0, inRebalance: true, unitRandom: 0.5) == .abandon(exceptLost: false))
        #expect(rebalancing.state == .consuming)
    }

    @Test("a revoke commits the open batch first when it read the partitions; a loss abandons it and rewinds only the partitions kept")
    func rebalances() {
        let lifecycle = lifecycle()
        #expect(lifecycle.revoking(touched: true) == .commit)
        #expect(lifecycle.revoking(touched: false) == .none)
        #expect(lifecycle.lost(touched: true) == .abandon(exceptLost: true))
        #expect(lifecycle.lost(touched: false) == .none)
    }

    @Test("periodic jobs: deferred records only while some wait and their backoff is over; dimensions each time; the sweep every interval")
    func jobs() {
        var lifecycle = lifecycle()
        #expect(lifecycle.jobsDue(nowMillis: 0, hasDeferred: false) == [.refreshDimensions, .sweep])
        #expect(lifecycle.jobsDue(nowMillis: 59_999, hasDeferred: false) == [.refreshDimensions])
        #expect(lifecycle.jobsDue(nowMillis: 60_000, hasDeferred: true) == [.writeDeferredRecords, .refreshDimensions, .sweep])
        lifecycle.deferredRecords(succeeded: false, at: 60_000, unitRandom: 0.99)
        #expect(lifecycle.jobsDue(nowMillis: 60_500, hasDeferred: true) == [.refreshDimensions])
        #expect(lifecycle.jobsDue(nowMillis: 61_000, hasDeferred: true) == [.writeDeferredRecords, .refreshDimensions])
        lifecycle.deferredRecords(succeeded: true, at: 61_000, unitRandom: 0)
        #expect(lifecycle.jobsDue(nowMillis: 61_001, hasDeferred: true) == [.writeDeferredRecords, .refreshDimensions])
    }

    @Test("stopping: from consuming or a backoff to stopping, then stopped; a failure stays a failure")
    func stopping() {
        var lifecycle = BatchLifecycle(limits: Self.limits)
        let beforeStart = lifecycle.mayPoll(nowMillis: 0)
        #expect(lifecycle.state == .starting && !beforeStart)
        lifecycle.started()
        let afterStart = lifecycle.mayPoll(nowMillis: 0)
        #expect(lifecycle.state == .consuming && afterStart)
        _ = lifecycle.committed(.failed(fatal: false), at: 0, inRebalance: false, unitRandom: 0.5)
        lifecycle.stopRequested()
        #expect(lifecycle.state == .stopping)
        lifecycle.finished()
        #expect(lifecycle.state == .stopped)
        var failing = self.lifecycle()
        failing.fail("the rebalance could not recover")
        failing.stopRequested()
        #expect(failing.state == .failed(reason: "the rebalance could not recover"))
    }

    @Test("an open batch knows where it started and what it read; a partition's end is forgotten when it moves or gets a record")
    func openBatchAndEnds() {
        var ends = PartitionEnds()
        let p0 = SourcePartition(topic: "t", partition: 0), p1 = SourcePartition(topic: "t", partition: 1)
        ends.reachedEnd(p0)
        #expect(!ends.drained([p0, p1]) && ends.atEnd([p0, p1]) == [p0])
        ends.reachedEnd(p1)
        #expect(ends.drained([p0, p1]) && !ends.drained([]))
        ends.consumed(p1)
        #expect(!ends.drained([p0, p1]))
        ends.forget([p0])
        #expect(ends.atEnd([p0, p1]).isEmpty)
        var batch = OpenBatch()
        batch.consumed(p0, offset: 7, nowMillis: 5)
        #expect(batch.openedAtMillis == 5 && batch.startOffsets == [p0: 7] && batch.touches([p0]) && !batch.touches([p1]))
        #expect(batch.abandoned().isEmpty && batch.abandoned().openedAtMillis == nil)
    }
}
