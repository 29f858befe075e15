import Catalog
import Engine
import Foundation
import MillraceTesting
import Parquet
@testable import Runtime
import Staging
import Testing

@Suite("Dimension checkpoints")
struct DimensionCheckpointTests {
    private let schema = Schema([.integer("entity_id", nullable: false), .string("entity_type"), .string("status")])

    private func entities(_ rows: [(Int64, String, String)]) -> ColumnBatch {
        var types = ByteArrayValues()
        var statuses = ByteArrayValues()
        for row in rows {
            types.append(Array(row.1.utf8))
            statuses.append(Array(row.2.utf8))
        }
        return ColumnBatch(columns: [
            ColumnData(values: .int64(rows.map(\.0))), ColumnData(values: .byteArray(types)), ColumnData(values: .byteArray(statuses)),
        ])
    }

    /// The shipped catalog's fact table, its dimensions and checkpoints in a fresh folder.
    private struct Setup {
        let folder: TemporaryDirectory
        let catalog: Catalog
        let fact: TableDefinition
        let dimensions: DimensionSet
        let store: LocalStagingStore
        let checkpoints: DimensionCheckpoints

        init() throws {
            folder = try TemporaryDirectory()
            catalog = try Catalog.load(directory: PackagePaths.schemas.path)
            fact = try #require(catalog.table("fact_entity_values")?.current)
            dimensions = try DimensionSet(catalog: catalog, tables: [fact])
            store = try LocalStagingStore(root: folder.url)
            checkpoints = DimensionCheckpoints(store: store, layout: StagingLayout())
        }
    }

    @Test("a checkpoint restores the same lookups and the follower's offsets; older ones are pruned")
    func roundTrip() throws {
        let setup = try Setup()
        defer { setup.folder.remove() }
        let (catalog, fact, dimensions, store, checkpoints) = (setup.catalog, setup.fact, setup.dimensions, setup.store, setup.checkpoints)
        let saves: [[Int32: Int64]] = [[0: 10, 1: 4], [0: 12, 1: 5], [0: 15, 1: 9]]
        for (index, offsets) in saves.enumerated() {
            try dimensions.replace("dim_entities", with: entities([(7, "device", "active"), (9, "site", "archived")]), schema: schema)
            try checkpoints.save(
                "dim_entities", dimensions: dimensions, positions: offsets,
                batch: BatchID(createdAtMillis: 1_795_628_520_000 + Int64(index), random: 1))
        }
        #expect(try store.list(prefix: "_millrace/state/dim_entities/").count == DimensionCheckpoints.kept)

        let restored = try DimensionSet(catalog: catalog, tables: [fact])
        #expect(try checkpoints.restore("dim_entities", into: restored) == .offsets([0: 15, 1: 9]))
        #expect(restored.count("dim_entities") == 2)
        let keys = ColumnData(values: .int64([9, 8, 7]))
        let noAttributes = ColumnData(values: .int64([0, 0, 0]), validity: [false, false, false])
        let join = try restored.enrich(fact) { $0 == "entity_id" ? keys : noAttributes }
        guard case .byteArray(let statuses)? = join.columns["entity_status"]?.values else {
            Issue.record("no entity_status column")
            return
        }
        #expect(String(decoding: statuses.bytes[statuses.offsets[0]..<statuses.offsets[1]], as: UTF8.self) == "archived")
        #expect(join.columns["entity_status"]?.validity == [true, false, true])
        #expect(join.missedRows["dim_entities"] == [1])
    }

    @Test("nothing is written when the dimension did not change since the last checkpoint")
    func unchangedIsSkipped() throws {
        let setup = try Setup()
        defer { setup.folder.remove() }
        let (dimensions, store, checkpoints) = (setup.dimensions, setup.store, setup.checkpoints)
        try dimensions.replace("dim_entities", with: entities([(1, "device", "active")]), schema: schema)
        try checkpoints.save("dim_entities", dimensions: dimensions, positions: [0: 1], batch: BatchID(createdAtMillis: 1, random: 1))
        try checkpoints.save("dim_entities", dimensions: dimensions, positions: [0: 1], batch: BatchID(createdAtMillis: 2, random: 1))
        #expect(try store.list(prefix: "_millrace/state/dim_entities/").count == 1)
    }

    @Test("a checkpoint written for other enrichment columns is not restored, so the topic is followed from its beginning")
    func incompatibleCheckpoint() throws {
        let setup = try Setup()
        defer { setup.folder.remove() }
        try setup.dimensions.replace("dim_entities", with: entities([(1, "device", "active")]), schema: schema)
        let batch = BatchID(createdAtMillis: 1, random: 1)
        try setup.checkpoints.save("dim_entities", dimensions: setup.dimensions, positions: [0: 1], batch: batch)

        var narrowed = setup.fact
        narrowed.columns.removeAll { $0.enrichment?.dimensionColumn == "status" }
        let restored = try DimensionSet(catalog: setup.catalog, tables: [narrowed])
        #expect(
            try setup.checkpoints.restore("dim_entities", into: restored)
                == .incompatible(key: StagingLayout().checkpointKey(dimension: "dim_entities", batch: batch)))
        #expect(restored.count("dim_entities") == 0)
    }

    @Test("a checkpoint that could not be saved is written by the next save, even with no change in between")
    func failedSaveIsRetried() throws {
        let setup = try Setup()
        defer { setup.folder.remove() }
        try setup.dimensions.replace("dim_entities", with: entities([(1, "device", "active")]), schema: schema)
        // A file where the checkpoint folder should be makes the local store refuse the put.
        try setup.store.put("_millrace/state/dim_entities", data: [1])
        #expect(throws: (any Error).self) {
            try setup.checkpoints.save("dim_entities", dimensions: setup.dimensions, positions: [0: 1], batch: BatchID(createdAtMillis: 1, random: 1))
        }
        try setup.store.delete(["_millrace/state/dim_entities"])
        try setup.checkpoints.save("dim_entities", dimensions: setup.dimensions, positions: [0: 1], batch: BatchID(createdAtMillis: 2, random: 1))
        #expect(try setup.store.list(prefix: "_millrace/state/dim_entities/").count == 1)
    }
}
