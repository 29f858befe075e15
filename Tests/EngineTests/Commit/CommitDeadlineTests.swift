import Engine
import Foundation
import MillraceTesting
import Staging
import Synchronization
import Testing

/// A slow writer against the sweep (issue 12, hole 3): no fence attempt starts for a batch
/// older than the grace minus a margin, by the writer's own monotonic clock. The clock is a
/// counter the test moves, so nothing sleeps; the fences are the in-memory doubles of
/// `CommitFixtures` (the group fence's own deadline handling runs on the mock cluster in
/// `KafkaOffsetFenceTests`).
@Suite("Commit deadline")
struct CommitDeadlineTests {
    private let layout = StagingLayout()

    /// A committer whose batches may be fenced until they are `limit` ms old on `clock`.
    private func committer(_ store: any StagingStore, _ fence: any OffsetFence, clock: ManualClock, limit: Int64)
        -> StagingCommitter
    {
        StagingCommitter(
            store: store, fence: fence, layout: layout, timing: CommitTiming(monotonicMillis: clock.read, maxBatchAgeMillis: limit))
    }

    @Test("a batch older than its limit on the writer's clock is not fenced, and is abandoned")
    func tooOldIsRefused() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let store = try LocalStagingStore(root: folder.url)
        let fence = HookedFence()
        let clock = ManualClock(5_000)
        let committer = committer(store, fence, clock: clock, limit: 60_000)
        let record = try CommitFixtures.stageOneFile(committer, store)
        clock.set(5_000 + 60_001)
        #expect(CommitFixtures.code { _ = try committer.commit(record) } == .expired)
        #expect(try fence.inner.committed([CommitFixtures.partition]).isEmpty, "offsets of a batch past its limit were committed")
        #expect(try store.list(prefix: "").isEmpty, "an expired batch left files behind")
    }

    @Test("a batch exactly at its limit is fenced and committed")
    func atTheLimitCommits() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let store = try LocalStagingStore(root: folder.url)
        let fence = HookedFence()
        let clock = ManualClock(0)
        let committer = committer(store, fence, clock: clock, limit: 60_000)
        let record = try CommitFixtures.stageOneFile(committer, store)
        clock.set(60_000)
        let committed = try committer.commit(record)
        #expect(committed.state == .committed)
        #expect(try fence.inner.committed([CommitFixtures.partition])[CommitFixtures.partition]?.metadata == record.batchID.rawValue)
    }

    @Test("the age runs from when the batch id was made, not from when the flush began")
    func ageFromTheBatchID() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let store = try LocalStagingStore(root: folder.url)
        let fence = HookedFence()
        let clock = ManualClock(100_000)
        let committer = committer(store, fence, clock: clock, limit: 60_000)
        let batch = BatchID(createdAtMillis: 1_795_132_800_000, random: 9)
        var record = CommitRecord(
            batchID: batch, state: .writing, worker: "test",
            sources: [SourceRange(source: CommitFixtures.partition, startOffset: 0, endOffset: 10, records: 10)],
            plannedPrefixes: ["staging/t/\(batch.rawValue)-"])
        // The id was made 50 s before the flush began; 11 s later the batch is 61 s old.
        try committer.begin(record, startedAtMillis: 50_000)
        record.files = []
        clock.set(111_000)
        #expect(CommitFixtures.code { _ = try committer.commit(record) } == .expired)
    }

    @Test("the wall clock of the batch id does not count: a batch id from the future is still refused once old on the writer's clock")
    func wallClockIgnored() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let store = try LocalStagingStore(root: folder.url)
        let clock = ManualClock(0)
        let committer = committer(store, HookedFence(), clock: clock, limit: 1_000)
        // An id from the future (a writer whose wall clock runs ahead, or jumped back since).
        let record = try CommitFixtures.stageOneFile(committer, store, createdAt: 4_102_444_800_000)
        clock.set(1_001)
        #expect(CommitFixtures.code { _ = try committer.commit(record) } == .expired)
    }
}

/// A monotonic clock the test moves by hand.
final class ManualClock: Sendable {
    private let now: Atomic<Int64>

    init(_ start: Int64) { now = Atomic(start) }

    func set(_ millis: Int64) { now.store(millis, ordering: .relaxed) }

    var read: @Sendable () -> Int64 { { [self] in now.load(ordering: .relaxed) } }
}
