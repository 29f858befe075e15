import Catalog
import Foundation
import MillraceTesting
import Staging
import Testing
import Warehouse

/// Which (batch, table) pairs a cycle loads: the pure selection behind the loader's cycle.
@Suite("Load work selection")
struct LoadWorkTests {
    let planner: LoadPlanner

    init() throws {
        planner = LoadPlanner(catalog: try Catalog.load(directory: PackagePaths.schemas.path), dialect: .postgres, settings: LoadSettings())
    }

    private func record(_ n: Int64, tables: [String], rows: Int = 10) -> CommitRecord {
        var record = CommitRecord(batchID: BatchID(createdAtMillis: 1_000 + n, random: UInt64(n)), state: .committed, worker: "w",
            sources: [], plannedPrefixes: [])
        record.files = tables.map { StagedFile(key: "\($0)/\(n).parquet", table: $0, schemaVersion: 1, hour: "h", rows: rows, bytes: 100) }
        return record
    }

    @Test("oldest first per table, dimensions first; loaded pairs skipped; quarantined ones skipped and counted unless retried")
    func selection() {
        let records = [record(3, tables: ["fact_entity_values"]), record(1, tables: ["fact_entity_values", "dim_entities"]),
                       record(2, tables: ["dim_entities"])]
        var ledger = LedgerState()
        ledger.loaded = [LedgerKey(batch: records[1].batchID.rawValue, table: "dim_entities")]
        ledger.quarantined = [LedgerKey(batch: records[0].batchID.rawValue, table: "fact_entity_values")]
        let work = LoadWork.select(records: records, ledger: ledger, planner: planner, limits: LoadLimits(), retryQuarantined: false)
        #expect(work.tables.map(\.table) == ["dim_entities", "fact_entity_values"])
        #expect(work.tables[0].records.map(\.batchID) == [records[2].batchID])
        #expect(work.tables[1].records.map(\.batchID) == [records[1].batchID])
        #expect(work.quarantined == 1 && work.deferred == 0)
        let retry = LoadWork.select(records: records, ledger: ledger, planner: planner, limits: LoadLimits(), retryQuarantined: true)
        #expect(retry.tables[1].records.map(\.batchID) == [records[1].batchID, records[0].batchID])
    }

    @Test("limits stop a table's load at the first batch that would exceed one; the rest waits, oldest first")
    func limits() {
        let records = (1...5).map { record(Int64($0), tables: ["dim_entities"], rows: 40) }
        let byRows = LoadWork.select(records: records, ledger: LedgerState(), planner: planner,
            limits: LoadLimits(maxRows: 100), retryQuarantined: false)
        #expect(byRows.tables[0].records.count == 2 && byRows.deferred == 3)
        let byBatches = LoadWork.select(records: records, ledger: LedgerState(), planner: planner,
            limits: LoadLimits(maxBatches: 4), retryQuarantined: false)
        #expect(byBatches.tables[0].records.map(\.batchID) == records.prefix(4).map(\.batchID) && byBatches.deferred == 1)
        // One batch bigger than a limit still loads alone, or nothing would ever move.
        let alone = LoadWork.select(records: records, ledger: LedgerState(), planner: planner,
            limits: LoadLimits(maxRows: 10), retryQuarantined: false)
        #expect(alone.tables[0].records.count == 1)
    }

    @Test("the oldest unloaded batch: a pair loaded before or during the cycle counts as loaded; deferred and quarantined ones do not")
    func oldestUnloaded() {
        let records = (1...4).map { record(Int64($0), tables: ["dim_entities", "fact_entity_values"]) }
        func key(_ index: Int, _ table: String) -> LedgerKey { LedgerKey(batch: records[index].batchID.rawValue, table: table) }
        var ledger = LedgerState()
        ledger.loaded = [key(0, "dim_entities"), key(0, "fact_entity_values"), key(1, "dim_entities")]
        ledger.quarantined = [key(1, "fact_entity_values")]
        // Batch 2 (index 1) waits for its quarantined fact pair, whatever the cycle loaded.
        let everythingElse: Set = [key(2, "dim_entities"), key(2, "fact_entity_values"), key(3, "dim_entities"), key(3, "fact_entity_values")]
        #expect(LoadWork.oldestUnloaded(records: records, ledger: ledger, loadedNow: everythingElse, planner: planner) == records[1].batchID)
        // Once fixed and loaded, the oldest left is one a limit deferred (batch 4's fact pair).
        let retried = everythingElse.union([key(1, "fact_entity_values")]).subtracting([key(3, "fact_entity_values")])
        #expect(LoadWork.oldestUnloaded(records: records.shuffled(), ledger: ledger, loadedNow: retried, planner: planner) == records[3].batchID)
        #expect(LoadWork.oldestUnloaded(records: records, ledger: ledger, loadedNow: retried.union([key(3, "fact_entity_values")]),
            planner: planner) == nil)
    }

    @Test("the ledger's rows tell complete batches apart: every table they touch loaded")
    func ledgerRows() {
        let state = LedgerState(rows: [
            ["b1", "dim_entities", "loaded", "2"], ["b1", "fact_entity_values", "loaded", "2"],
            ["b2", "dim_entities", "loaded", "2"], ["b2", "fact_entity_values", "quarantined", "2"],
            ["b3", "dim_entities", "loaded", "1"],
        ])
        #expect(state.complete == ["b1", "b3"])
        #expect(state.quarantined == [LedgerKey(batch: "b2", table: "fact_entity_values")])
        #expect(state.loaded.count == 4)
    }

    @Test("the lease row read back decides who holds it; a missing row is an error")
    func leaseDecision() throws {
        #expect(try LeaseState.decide(row: ["me", "12", "2026-12-07 12:00:00+00"], name: "n", holder: "me") == .held(LeaseGrant(name: "n", token: 12)))
        #expect(try LeaseState.decide(row: ["you", "13", "later"], name: "n", holder: "me") == .heldElsewhere(holder: "you", until: "later"))
        #expect(throws: WarehouseError.self) { try LeaseState.decide(row: nil, name: "n", holder: "me") }
        #expect(throws: WarehouseError.self) { try LeaseState.decide(row: ["me", "x", "t"], name: "n", holder: "me") }
    }
}
