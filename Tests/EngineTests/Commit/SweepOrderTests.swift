import Engine
import Foundation
import MillraceTesting
import Staging
import Testing

/// The sweep against a live writer acting between its reads (issue 12, hole 2).
///
/// The live writer acts inside the fence's answer or the store's listing: those are the only
/// places where another process's writes can land between two of the sweep's reads, and no
/// server here lets a test pause a read half-way. `HookedFence` wraps the in-memory
/// `SingleWriterFence` (the group offsets) and `FaultyStore` the real local store.
@Suite("Sweep order")
struct SweepOrderTests {
    private let layout = StagingLayout()

    @Test("a commit record written between the sweep's reads, a newer batch fenced after it: nothing of it is deleted")
    func recordBetweenReads() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let store = try LocalStagingStore(root: folder.url)
        let fence = HookedFence()
        // The live writer's batch is ready and about to be fenced (stopped right before it).
        let stopped = StagingCommitter(store: store, fence: fence, layout: layout, crashHook: { point in
            if point == .afterReadyRecord { throw SimulatedCrash(at: point) }
        })
        let first = try CommitFixtures.stageOneFile(stopped, store)
        #expect(throws: SimulatedCrash.self) { _ = try stopped.commit(first) }

        // While the sweep reads, the writer fences and finalizes that batch, then fences a
        // newer one on the same partition: Kafka no longer names the first batch.
        let writer = StagingCommitter(store: store, fence: fence, layout: layout)
        fence.onNextRead {
            _ = try writer.commit(first)
            let second = try CommitFixtures.stageOneFile(writer, store, createdAt: first.batchID.createdAtMillis + 1, start: 10)
            _ = try writer.commit(second)
        }
        let sweeper = StagingCommitter(store: store, fence: fence, layout: layout)
        let swept = try sweeper.sweep(nowMillis: first.batchID.createdAtMillis + 60_000, graceMillis: 1_000)
        #expect(swept.abandoned.isEmpty, "the sweep abandoned a committed batch")
        #expect(try store.record(layout.commitKey(first.batchID))?.state == .committed)
        #expect(try store.get(first.files[0].key) != nil, "a file its committed record lists was deleted")
    }

    @Test("a commit record that appears while the sweep abandons a batch keeps every file it lists")
    func recordDuringAbandon() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let store = FaultyStore(try LocalStagingStore(root: folder.url))
        let fence = HookedFence()
        let stopped = StagingCommitter(store: store, fence: fence, layout: layout, crashHook: { point in
            if point == .afterReadyRecord { throw SimulatedCrash(at: point) }
        })
        let batch = try CommitFixtures.stageOneFile(stopped, store)
        #expect(throws: SimulatedCrash.self) { _ = try stopped.commit(batch) }

        // Kafka does not name the batch when the sweep asks; its record appears right after,
        // while the sweep lists the files it is about to delete.
        let writer = StagingCommitter(store: store, fence: fence, layout: layout)
        store.onNextList(under: "staging/") { _ = try writer.commit(batch) }
        _ = try StagingCommitter(store: store, fence: fence, layout: layout)
            .sweep(nowMillis: batch.batchID.createdAtMillis + 60_000, graceMillis: 1_000)
        #expect(try store.record(layout.commitKey(batch.batchID))?.files == batch.files)
        #expect(try store.get(batch.files[0].key) != nil, "a file its committed record lists was deleted")
    }
}
