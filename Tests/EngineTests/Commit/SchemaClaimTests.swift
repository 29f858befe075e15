import CDC
import Catalog
import Engine
import Foundation
import MillraceTesting
import Staging
import Testing

/// Schema version claims (issue 12, hole 4) on a real local staging folder: a version number is
/// claimed, atomically, before any file of it is written, and a different declaration never
/// gets a claimed number.
@Suite("Schema version claims")
struct SchemaClaimTests {
    private let layout = StagingLayout()

    /// `fact_entity_values` v2 with `column` added (a nullable double, as Debezium declares a
    /// new `double precision` column).
    private func change(adding column: String) throws -> SchemaChange {
        let fact = try #require(try Catalog.load(directory: PackagePaths.schemas.path).table("fact_entity_values")?.current)
        return try fact.addingColumns(for: [ConnectField(name: column, schema: ConnectSchema(type: .float64, isOptional: true))]).get()
    }

    private func flusher(_ store: any StagingStore, _ committer: StagingCommitter) throws -> BatchFlusher {
        BatchFlusher(
            store: store, committer: committer, settings: FlushSettings(template: try KeyTemplate(), maxFileBytes: 256 << 20, worker: "test"),
            dimensions: try DimensionSet(catalog: try Catalog(tables: []), tables: []))
    }

    /// A batch of one dead letter at `offset` carrying `changes`.
    private func input(_ offset: Int64, _ changes: [SchemaChange]) -> BatchInput {
        let letter = DeadLetter(
            reason: .malformedJSON, message: "not JSON", topic: "t", partition: 0, offset: offset, timestampMs: 0, key: nil,
            value: Array("{oops".utf8))
        return BatchInput(
            batchID: BatchID(createdAtMillis: 1_795_132_800_000 + offset, random: UInt64(offset)),
            sources: [SourceRange(source: CommitFixtures.partition, startOffset: offset, endOffset: offset + 1, records: 1)], tables: [],
            deadLetters: [letter], schemaChanges: changes, stats: BatchStats())
    }

    @Test("two batches deriving different version 2s: the first claims it, the second stages nothing and learns the claimed declaration")
    func differentDeclarationsConflict() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let store = try LocalStagingStore(root: folder.url)
        // The first worker's batch is held right after its claim, before any file.
        let held = StagingCommitter(store: store, fence: SingleWriterFence(), layout: layout, crashHook: { point in
            if point == .afterSchemaClaim { throw SimulatedCrash(at: point) }
        })
        let first = try change(adding: "confidence")
        #expect(throws: SimulatedCrash.self) { _ = try flusher(store, held).flush(input(0, [first])) }
        let claim = layout.schemaClaimKey(table: "fact_entity_values", version: 2)
        #expect(try store.get(claim) == Array(Catalog.yaml(of: first.definition).utf8))
        #expect(try store.get(layout.schemaKey(table: "fact_entity_values", version: 2)) == nil, "a claim is not a committed version")

        let committer = StagingCommitter(store: store, fence: SingleWriterFence(), layout: layout)
        let second = input(1, [try change(adding: "quality")])
        let refused = #expect(throws: EngineError.self) { _ = try flusher(store, committer).flush(second) }
        #expect(refused?.code == .schemaConflict)
        #expect((refused?.underlying as? SchemaVersionConflict) == SchemaVersionConflict(
            table: "fact_entity_values", version: 2, definition: Catalog.yaml(of: first.definition)))
        #expect(try store.get(layout.deadLetterKey(second.batchID)) == nil, "the refused batch staged a file")
        #expect(try store.get(layout.pendingKey(second.batchID)) == nil, "the refused batch left its intent")
        #expect(try store.get(claim) == Array(Catalog.yaml(of: first.definition).utf8))
    }

    @Test("the same declaration claimed again (a restart, or another worker deriving it too) stages and commits it")
    func sameDeclarationShares() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let store = try LocalStagingStore(root: folder.url)
        let committer = StagingCommitter(store: store, fence: SingleWriterFence(), layout: layout)
        let change = try change(adding: "confidence")
        try committer.claimSchemaVersion(table: change.table, version: 2, definition: Catalog.yaml(of: change.definition))
        let record = try flusher(store, committer).flush(input(0, [change]))
        #expect(record.schemaChanges.map(\.toVersion) == [2])
        #expect(try store.get(layout.schemaKey(table: "fact_entity_values", version: 2)) == Array(Catalog.yaml(of: change.definition).utf8))
    }
}
