import Catalog
import Foundation
import MillraceTesting
import Staging
import Testing
import Warehouse

/// What `millrace reload` loads: the pure selection by event-time window, ledger and `--force`,
/// and the plan that merges loaded batches again.
@Suite("Reload selection and plan")
struct ReloadWorkTests {
    let planner: LoadPlanner
    /// 2026-12-01T00:00:00Z.
    static let day: Int64 = 1_796_083_200_000
    static let hour: Int64 = 3_600_000

    init() throws {
        planner = LoadPlanner(catalog: try Catalog.load(directory: PackagePaths.schemas.path), dialect: .postgres, settings: LoadSettings())
    }

    /// A committed batch with one file per (table, hour offset from `day`).
    private func record(_ n: Int64, _ files: [(String, Int)]) -> CommitRecord {
        var record = CommitRecord(batchID: BatchID(createdAtMillis: Self.day + n, random: UInt64(n)), state: .committed, worker: "w",
            sources: [], plannedPrefixes: [])
        record.files = files.map { table, hour in
            StagedFile(key: "\(table)/\(n)-\(hour).parquet", table: table, schemaVersion: 1,
                hour: UTCHour(hoursSinceEpoch: Self.day / Self.hour + Int64(hour)).description, rows: 10, bytes: 100)
        }
        return record
    }

    private func request(hours: Range<Int>, tables: Set<String>? = nil, force: Bool = false) -> ReloadRequest {
        ReloadRequest(fromMillis: Self.day + Int64(hours.lowerBound) * Self.hour, toMillis: Self.day + Int64(hours.upperBound) * Self.hour,
            tables: tables, force: force)
    }

    @Test("a staged file's hour reads back from its text; other text is not an hour")
    func hourText() {
        for hours in [Int64(0), 1, 499_000, Self.day / Self.hour + 23] {
            #expect(UTCHour(UTCHour(hoursSinceEpoch: hours).description) == UTCHour(hoursSinceEpoch: hours))
        }
        for text in ["", "h", "2026-12-01T24:00Z", "2026-02-30T01:00Z", "2026-12-01T01:30Z", "2026-13-01T01:00Z", "2026-12-01 01:00Z"] {
            #expect(UTCHour(text) == nil, "\(text)")
        }
    }

    @Test("pairs the ledger lacks load whole with their other tables' pending pairs left alone; loaded pairs are skipped without --force")
    func pendingAndLoaded() {
        let pending = record(1, [("fact_entity_values", 0), ("fact_entity_values", 5), ("dim_entities", 5)])
        let loaded = record(2, [("fact_entity_values", 1)])
        let outside = record(3, [("fact_entity_values", 9)])
        let quarantined = record(4, [("fact_entity_values", 1)])
        var ledger = LedgerState()
        ledger.loaded = [LedgerKey(batch: loaded.batchID.rawValue, table: "fact_entity_values")]
        ledger.quarantined = [LedgerKey(batch: quarantined.batchID.rawValue, table: "fact_entity_values")]
        let work = ReloadWork.select(records: [outside, quarantined, loaded, pending], ledger: ledger, planner: planner,
            limits: LoadLimits(), request: request(hours: 0..<2))
        // The pending batch loads whole for the table with files in the window (its hour-5 file
        // too); its dim_entities pair has no file in the window and waits for the loader.
        #expect(work.load.map(\.table) == ["fact_entity_values"])
        #expect(work.load[0].records.map(\.batchID) == [pending.batchID])
        #expect(work.load[0].records[0].files.count == 3)
        #expect(work.remerge.isEmpty)
        #expect(work.alreadyLoaded == 1 && work.quarantined == 1)
    }

    @Test("--force merges loaded pairs again from the window's files only; --tables restricts every kind of pair")
    func force() {
        let first = record(1, [("fact_entity_values", 0), ("fact_entity_values", 3), ("dim_entities", 1)])
        let second = record(2, [("fact_entity_values", 1)])
        var ledger = LedgerState()
        ledger.loaded = Set([first, second].flatMap { record in Set(record.files.map(\.table)).map { LedgerKey(batch: record.batchID.rawValue, table: $0) } })
        let all = ReloadWork.select(records: [second, first], ledger: ledger, planner: planner, limits: LoadLimits(),
            request: request(hours: 0..<2, force: true))
        #expect(all.load.isEmpty && all.alreadyLoaded == 0)
        #expect(all.remerge.map(\.table) == ["dim_entities", "fact_entity_values"])
        #expect(all.remerge[1].records.map(\.batchID) == [first.batchID, second.batchID])
        #expect(all.remerge[1].records[0].files.map(\.key) == ["fact_entity_values/1-0.parquet"])
        let facts = ReloadWork.select(records: [second, first], ledger: ledger, planner: planner, limits: LoadLimits(),
            request: request(hours: 0..<2, tables: ["fact_entity_values"], force: true))
        #expect(facts.remerge.map(\.table) == ["fact_entity_values"])
        // Half-open: a window ending at hour 1 leaves hour 1's file out, one starting at 3 takes hour 3's.
        let edge = ReloadWork.select(records: [second, first], ledger: ledger, planner: planner, limits: LoadLimits(),
            request: request(hours: 1..<3, force: true))
        #expect(edge.remerge.flatMap(\.records).flatMap(\.files).map(\.key).sorted() == ["dim_entities/1-1.parquet", "fact_entity_values/2-1.parquet"])
        let none = ReloadWork.select(records: [second, first], ledger: ledger, planner: planner, limits: LoadLimits(),
            request: request(hours: 4..<9, force: true))
        #expect(none.remerge.isEmpty && none.load.isEmpty)
    }

    @Test("a reload's loads keep to the limits: merged-again batches split into consecutive loads, none left out")
    func limits() {
        let records = (1...5).map { record(Int64($0), [("fact_entity_values", 0)]) }
        var ledger = LedgerState()
        ledger.loaded = Set(records.map { LedgerKey(batch: $0.batchID.rawValue, table: "fact_entity_values") })
        let work = ReloadWork.select(records: records, ledger: ledger, planner: planner, limits: LoadLimits(maxBatches: 2),
            request: request(hours: 0..<1, force: true))
        #expect(work.remerge.map(\.records.count) == [2, 2, 1])
        #expect(work.remerge.flatMap(\.records).map(\.batchID) == records.map(\.batchID))
        let pending = ReloadWork.select(records: records, ledger: LedgerState(), planner: planner, limits: LoadLimits(maxBatches: 2),
            request: request(hours: 0..<1))
        #expect(pending.load.map(\.records.count) == [2, 2, 1])
    }

    @Test("merging again locks the ledger and checks the lease, but writes no ledger row and leaves freshness alone")
    func remergePlan() throws {
        let records = [record(1, [("fact_entity_values", 0)])]
        let lease = LeaseGrant(name: "millrace-loader-reload", token: 7)
        let again = try planner.remergePlan(table: "fact_entity_values", records: records, loadID: "load-x", lease: lease).script
        let normal = try planner.plan(table: "fact_entity_values", records: records, loadID: "load-x", lease: lease).script
        for text in [again, normal] {
            #expect(text.contains("LOCK TABLE \"public\".\"millrace_load_ledger\" IN EXCLUSIVE MODE;"), "\(text)")
            #expect(text.contains("MERGE INTO \"public\".\"fact_entity_values\""))
        }
        #expect(again.contains("CALL \"public\".millrace_check_load('millrace-loader-reload', 7, 'fact_entity_values', ',,');"), "\(again)")
        #expect(!again.contains("INSERT INTO \"public\".\"millrace_load_ledger\""))
        #expect(normal.contains("INSERT INTO \"public\".\"millrace_load_ledger\""))
        #expect(!again.contains("millrace_freshness") && normal.contains("millrace_freshness"), "\(again)")
    }
}
