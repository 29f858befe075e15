import CDC
import Catalog
import Engine
import Foundation
import MillraceTesting
import Staging
import Synchronization
import Testing

/// The commit protocol's failure paths, one step at a time, on a real local staging folder.
///
/// Faults are injected at two seams no server here can fail on demand: `FaultyStore` wraps the
/// real `LocalStagingStore` and refuses chosen writes, and the fences wrap `SingleWriterFence`
/// to refuse a commit or to lose its answer after committing. The group fence itself is tested
/// against librdkafka's mock cluster in the crash, rebalance and fault-tolerance suites.
@Suite("Staging committer failure paths")
struct StagingCommitterTests {
    private static let partition = CommitFixtures.partition
    private let layout = StagingLayout()

    @Test("a refused fence removes everything the batch wrote")
    func refusedFence() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let store = try LocalStagingStore(root: folder.url)
        let committer = StagingCommitter(store: store, fence: RefusingFence(), layout: layout)
        let record = try CommitFixtures.stageOneFile(committer, store)
        #expect(CommitFixtures.code { _ = try committer.commit(record) } == .fenced)
        #expect(try store.list(prefix: "").isEmpty)
    }

    @Test("a commit whose answer was lost keeps the batch, and recover commits it from Kafka's answer")
    func lostAnswer() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let store = try LocalStagingStore(root: folder.url)
        let fence = LostAnswerFence()
        let committer = StagingCommitter(store: store, fence: fence, layout: layout)
        let record = try CommitFixtures.stageOneFile(committer, store)
        #expect(CommitFixtures.code { _ = try committer.commit(record) } == .commitOutcomeUnknown)
        #expect(try store.get(record.files[0].key) != nil, "the data file of a possibly committed batch was deleted")
        #expect(try store.record(layout.pendingKey(record.batchID))?.state == .ready)
        #expect(try store.get(layout.commitKey(record.batchID)) == nil)

        let recovery = try committer.recover([Self.partition])
        #expect(recovery == StagingCommitter.Recovery(finished: [record.batchID], unrecorded: []))
        let committed = try #require(try store.record(layout.commitKey(record.batchID)))
        #expect(committed.state == .committed && committed.files == record.files)
        #expect(try store.get(layout.pendingKey(record.batchID)) == nil)
    }

    @Test("a commit record that cannot be written after the fence is deferred, never deleted")
    func commitRecordWriteFails() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let store = FaultyStore(try LocalStagingStore(root: folder.url), failingPutsUnder: StagingLayout.commitsPrefix)
        let committer = StagingCommitter(store: store, fence: SingleWriterFence(), layout: layout)
        let record = try CommitFixtures.stageOneFile(committer, store)
        #expect(CommitFixtures.code { _ = try committer.commit(record) } == .finalizeDeferred)
        #expect(try store.get(record.files[0].key) != nil, "the data file of a committed batch was deleted")
        #expect(try store.record(layout.pendingKey(record.batchID))?.state == .ready)

        store.heal()
        #expect(try committer.recover([Self.partition]).finished == [record.batchID])
        #expect(try store.record(layout.commitKey(record.batchID))?.files == record.files)
    }

    @Test("a deferred batch gets its committed record before another batch is fenced, so the sweep never deletes it")
    func deferredBeforeNextFence() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let store = FaultyStore(try LocalStagingStore(root: folder.url), failingPutsUnder: StagingLayout.commitsPrefix)
        let committer = StagingCommitter(store: store, fence: SingleWriterFence(), layout: layout)
        let first = try CommitFixtures.stageOneFile(committer, store)
        #expect(CommitFixtures.code { _ = try committer.commit(first) } == .finalizeDeferred)
        #expect(committer.hasDeferred)

        // While the committed record still cannot be written, no other batch may start: its
        // fence would make Kafka name it instead, and the first batch would look abandoned.
        #expect(CommitFixtures.code { _ = try CommitFixtures.stageOneFile(committer, store, createdAt: first.batchID.createdAtMillis + 1) } == .staging)
        #expect(committer.hasDeferred)

        store.heal()
        let second = try CommitFixtures.stageOneFile(committer, store, createdAt: first.batchID.createdAtMillis + 2)
        #expect(!committer.hasDeferred)
        #expect(try store.record(layout.commitKey(first.batchID))?.files == first.files)
        _ = try committer.commit(second)
        let swept = try committer.sweep(nowMillis: second.batchID.createdAtMillis + 10_000, graceMillis: 0)
        #expect(swept.abandoned.isEmpty)
        #expect(try store.get(first.files[0].key) != nil, "the rows of a batch whose offsets are committed were deleted")
        #expect(try store.get(second.files[0].key) != nil)
    }

    @Test("an evolved schema version is written only when its batch commits")
    func schemaVersionWithCommit() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let store = try LocalStagingStore(root: folder.url)
        let note = SchemaChangeNote(table: "t", fromVersion: 1, toVersion: 2, ddl: [:], definition: "name: t\nversion: 2\n")
        let refused = StagingCommitter(store: store, fence: RefusingFence(), layout: layout)
        var lost = try CommitFixtures.stageOneFile(refused, store)
        lost.schemaChanges = [note]
        #expect(CommitFixtures.code { _ = try refused.commit(lost) } == .fenced)
        #expect(try store.get(layout.schemaKey(table: "t", version: 2)) == nil, "a batch that lost its fence left a schema version")

        let committer = StagingCommitter(store: store, fence: SingleWriterFence(), layout: layout)
        var won = try CommitFixtures.stageOneFile(committer, store)
        won.schemaChanges = [note]
        #expect(try store.get(layout.schemaKey(table: "t", version: 2)) == nil, "the version is visible before the fence")
        _ = try committer.commit(won)
        #expect(try store.get(layout.schemaKey(table: "t", version: 2)) == Array(note.definition.utf8))
    }

    @Test("a pending record that cannot be deleted after the commit record is left for the sweep")
    func pendingDeleteFails() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let store = FaultyStore(try LocalStagingStore(root: folder.url), failingDeletesUnder: StagingLayout.pendingPrefix)
        let committer = StagingCommitter(store: store, fence: SingleWriterFence(), layout: layout)
        let record = try CommitFixtures.stageOneFile(committer, store)
        #expect(CommitFixtures.code { _ = try committer.commit(record) } == .finalizeDeferred)
        #expect(try store.record(layout.commitKey(record.batchID))?.state == .committed)
        #expect(try store.get(record.files[0].key) != nil)

        store.heal()
        let swept = try committer.sweep(nowMillis: record.batchID.createdAtMillis + 1, graceMillis: 0)
        #expect(swept.committed.isEmpty && swept.abandoned.isEmpty)
        #expect(try store.list(prefix: StagingLayout.pendingPrefix).isEmpty)
        #expect(try store.get(record.files[0].key) != nil)
    }

    @Test("recover reports a committed batch whose records are gone instead of failing")
    func unrecordedBatch() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let store = try LocalStagingStore(root: folder.url)
        let fence = SingleWriterFence()
        let expired = BatchID(createdAtMillis: 1_700_000_000_000, random: 7)
        try fence.commit([Self.partition: 10], metadata: expired.rawValue) { true }
        let committer = StagingCommitter(store: store, fence: fence, layout: layout)
        #expect(try committer.recover([Self.partition]) == StagingCommitter.Recovery(finished: [], unrecorded: [expired]))
    }

    @Test("the sweep deletes a batch that never won its fence, only once its grace has passed")
    func sweepAbandoned() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let store = try LocalStagingStore(root: folder.url)
        let committer = StagingCommitter(store: store, fence: SingleWriterFence(), layout: layout)
        let record = try CommitFixtures.stageOneFile(committer, store)
        let created = record.batchID.createdAtMillis
        #expect(try committer.sweep(nowMillis: created + 500, graceMillis: 1_000) == ([], []))
        #expect(try store.get(record.files[0].key) != nil)
        let swept = try committer.sweep(nowMillis: created + 1_001, graceMillis: 1_000)
        #expect(swept.committed.isEmpty && swept.abandoned == [record.batchID])
        #expect(try store.list(prefix: "").isEmpty)
    }

    @Test("a batch fenced in another group (a backfill's), crashed after its fence, survives the live sweep; its own group's recover commits it")
    func otherGroupsBatchSurvivesTheSweep() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let store = try LocalStagingStore(root: folder.url)
        // The backfill's fence and the live worker's are different groups: here two in-memory fences.
        let backfillFence = SingleWriterFence()
        let crashing = StagingCommitter(
            store: store, fence: backfillFence, layout: layout, fenceGroup: "live.backfill.x",
            crashHook: { point in if point == .afterOffsetCommit { throw SimulatedCrash(at: point) } })
        let record = try CommitFixtures.stageOneFile(crashing, store)
        #expect(throws: SimulatedCrash.self) { _ = try crashing.commit(record) }
        #expect(try store.record(layout.pendingKey(record.batchID))?.fenceGroup == "live.backfill.x")
        let created = record.batchID.createdAtMillis
        // The live worker's sweep, long past the grace: its group never heard of the batch, so
        // before records named their fence it deleted a batch whose offsets were committed.
        let live = StagingCommitter(store: store, fence: SingleWriterFence(), layout: layout)
        #expect(try live.sweep(nowMillis: created + 3_600_000, graceMillis: 1_000) == ([], []))
        #expect(try store.get(record.files[0].key) != nil)
        // The backfill run again: recover finds its batch in its own fence and commits it.
        let resumed = StagingCommitter(store: store, fence: backfillFence, layout: layout, fenceGroup: "live.backfill.x")
        #expect(try resumed.recover([CommitFixtures.partition]).finished == [record.batchID])
        #expect(try store.record(layout.commitKey(record.batchID))?.state == .committed)
        #expect(try store.list(prefix: StagingLayout.pendingPrefix).isEmpty)
    }

    @Test("a backfill's sweep leaves the live worker's pending batches alone and resolves its own")
    func backfillSweepsOnlyItsOwn() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let store = try LocalStagingStore(root: folder.url)
        let live = StagingCommitter(store: store, fence: SingleWriterFence(), layout: layout)
        let liveRecord = try CommitFixtures.stageOneFile(live, store)
        let backfill = StagingCommitter(store: store, fence: SingleWriterFence(), layout: layout, fenceGroup: "live.backfill.x")
        let backfillRecord = try CommitFixtures.stageOneFile(backfill, store)
        let later = max(liveRecord.batchID.createdAtMillis, backfillRecord.batchID.createdAtMillis) + 3_600_000
        let swept = try backfill.sweep(nowMillis: later, graceMillis: 1_000)
        #expect(swept.committed.isEmpty && swept.abandoned == [backfillRecord.batchID])
        #expect(try store.get(liveRecord.files[0].key) != nil && store.get(layout.pendingKey(liveRecord.batchID)) != nil)
        #expect(try live.sweep(nowMillis: later, graceMillis: 1_000).abandoned == [liveRecord.batchID])
        #expect(try store.list(prefix: "").isEmpty)
    }

    @Test("the flusher keeps what a committed batch wrote when its commit record fails")
    func flusherKeepsDeferredBatch() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let store = FaultyStore(try LocalStagingStore(root: folder.url), failingPutsUnder: StagingLayout.commitsPrefix)
        let committer = StagingCommitter(store: store, fence: SingleWriterFence(), layout: layout)
        let flusher = BatchFlusher(
            store: store, committer: committer, settings: FlushSettings(template: try KeyTemplate(), maxFileBytes: 256 << 20, worker: "test"),
            dimensions: try DimensionSet(catalog: try Catalog(tables: []), tables: []))
        let letter = DeadLetter(
            reason: .malformedJSON, message: "not JSON", topic: "t", partition: 0, offset: 3, timestampMs: 0, key: nil,
            value: Array("{oops".utf8))
        let batch = BatchID(createdAtMillis: 1_795_132_800_000, random: 1)
        let input = BatchInput(
            batchID: batch, sources: [SourceRange(source: Self.partition, startOffset: 3, endOffset: 4, records: 1)], tables: [],
            deadLetters: [letter], schemaChanges: [], stats: BatchStats())
        #expect(CommitFixtures.code { _ = try flusher.flush(input) } == .finalizeDeferred)
        #expect(try store.get(layout.deadLetterKey(batch)) != nil, "the dead letters of a committed batch were deleted")
        #expect(try store.record(layout.pendingKey(batch))?.deadLetters?.records == 1)
    }

    @Test("a schema change another committed batch already introduced is not announced again; a different one at its number is refused")
    func committedChangeNotRepeated() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let store = try LocalStagingStore(root: folder.url)
        let committer = StagingCommitter(store: store, fence: SingleWriterFence(), layout: layout)
        let flusher = BatchFlusher(
            store: store, committer: committer, settings: FlushSettings(template: try KeyTemplate(), maxFileBytes: 256 << 20, worker: "test"),
            dimensions: try DimensionSet(catalog: try Catalog(tables: []), tables: []))
        let fact = try #require(try Catalog.load(directory: PackagePaths.schemas.path).table("fact_entity_values")?.current)
        let change = try fact.addingColumns(for: [ConnectField(name: "confidence", schema: ConnectSchema(type: .float64, isOptional: true))]).get()
        func flush(_ offset: Int64) throws -> CommitRecord {
            let letter = DeadLetter(
                reason: .malformedJSON, message: "not JSON", topic: "t", partition: 0, offset: offset, timestampMs: 0, key: nil,
                value: Array("{oops".utf8))
            return try flusher.flush(BatchInput(
                batchID: BatchID(createdAtMillis: 1_795_132_800_000 + offset, random: 1),
                sources: [SourceRange(source: Self.partition, startOffset: offset, endOffset: offset + 1, records: 1)], tables: [],
                deadLetters: [letter], schemaChanges: [change], stats: BatchStats()))
        }
        let first = try flush(0)
        #expect(first.schemaChanges.map(\.toVersion) == [2])
        let key = layout.schemaKey(table: "fact_entity_values", version: 2)
        #expect(try store.get(key) == Array(Catalog.yaml(of: change.definition).utf8))
        // The same version again (a restarted worker evolving once more): not this batch's change.
        #expect(try flush(1).schemaChanges.isEmpty)
        // A version 2 committed with other content holds the number: nothing is staged under it.
        let other = "table: fact_entity_values\nversion: 2\n"
        try store.put(key, data: Array(other.utf8))
        let refused = #expect(throws: EngineError.self) { _ = try flush(2) }
        #expect(refused?.code == .schemaConflict)
        #expect((refused?.underlying as? SchemaVersionConflict)?.definition == other)
        #expect(try store.list(prefix: "dlq/").count == 2, "the refused batch staged its dead letters")
    }
}
