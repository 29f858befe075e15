public import Staging

/// One (batch, table) pair of the ledger.
public struct LedgerKey: Sendable, Hashable {
    /// The batch id.
    public var batch: String
    /// The target table.
    public var table: String

    /// The pair of `batch` and `table`.
    public init(batch: String, table: String) {
        self.batch = batch
        self.table = table
    }
}

/// What the ledger holds: the pairs loaded and the pairs quarantined.
public struct LedgerState: Sendable, Hashable {
    /// Pairs loaded exactly once.
    public var loaded: Set<LedgerKey> = []
    /// Pairs a load refused, waiting for `--retry-quarantined`.
    public var quarantined: Set<LedgerKey> = []
    /// Batches every table of which is loaded (their records need not be read again).
    public var complete: Set<String> = []

    /// An empty ledger.
    public init() {}

    /// The state from `LoadPlanner.ledgerQuery` rows (batch, table, state, the batch's table
    /// count).
    public init(rows: [[String?]]) {
        var loadedTables: [String: (loaded: Int, total: Int)] = [:]
        for row in rows {
            guard row.count >= 4, let batch = row[0], let table = row[1], let state = row[2] else { continue }
            let key = LedgerKey(batch: batch, table: table)
            if state == LoadLedger.loaded {
                loaded.insert(key)
                let total = row[3].flatMap { Int($0) } ?? Int.max
                loadedTables[batch, default: (0, total)].loaded += 1
            } else {
                quarantined.insert(key)
            }
        }
        complete = Set(loadedTables.filter { $0.value.loaded >= $0.value.total }.map(\.key))
    }
}

/// How much one table's load may take at once (a cycle runs one load per table). Whatever is
/// left waits for the next cycle, which then starts at once.
public struct LoadLimits: Sendable, Hashable {
    /// Batches per load (also bounded by the check procedure's 65535-byte batch list).
    public var maxBatches: Int
    /// Staged files per load.
    public var maxFiles: Int
    /// Staged bytes per load.
    public var maxBytes: Int64
    /// Staged rows per load.
    public var maxRows: Int

    /// Limits; the defaults load about ten 30-second batches of a busy table at a time.
    public init(maxBatches: Int = 500, maxFiles: Int = 2_000, maxBytes: Int64 = 2 << 30, maxRows: Int = 20_000_000) {
        self.maxBatches = min(max(1, maxBatches), 1_700)
        self.maxFiles = max(1, maxFiles)
        self.maxBytes = max(1, maxBytes)
        self.maxRows = max(1, maxRows)
    }
}

/// The batches one table's load takes.
public struct TableWork: Sendable, Hashable {
    /// The target table.
    public var table: String
    /// The batches, oldest first.
    public var records: [CommitRecord]
}

/// What a cycle loads: per table, the committed batches the ledger does not hold, oldest first,
/// within the limits.
public struct LoadWork: Sendable, Hashable {
    /// One load per table, dimensions first.
    public var tables: [TableWork]
    /// Pairs left for a later cycle because a limit was reached.
    public var deferred: Int
    /// Quarantined pairs not retried in this cycle.
    public var quarantined: Int

    /// Selects the work from `records` (any order) against `ledger`. With `retryQuarantined`,
    /// quarantined pairs are taken again; otherwise they are skipped (and counted).
    public static func select(
        records: [CommitRecord], ledger: LedgerState, planner: LoadPlanner, limits: LoadLimits, retryQuarantined: Bool
    ) -> LoadWork {
        let pending = pending(records: records, ledger: ledger, planner: planner, retryQuarantined: retryQuarantined)
        var work: [TableWork] = []
        var deferred = 0
        for table in pending.tables {
            // Oldest first: once a batch waits, every later one waits with it.
            let loads = limits.split(table)
            work.append(loads[0])
            deferred += loads.dropFirst().reduce(0) { $0 + $1.records.count }
        }
        return LoadWork(tables: work, deferred: deferred, quarantined: pending.quarantined)
    }

    /// Every pair of `records` (any order) the ledger does not hold, per table in load order,
    /// oldest first, and the quarantined pairs skipped (none with `retryQuarantined`). With
    /// `tables`, only those tables' pairs.
    static func pending(
        records: [CommitRecord], ledger: LedgerState, planner: LoadPlanner, retryQuarantined: Bool, tables only: Set<String>? = nil
    ) -> (tables: [TableWork], quarantined: Int) {
        var pending: [String: [CommitRecord]] = [:]
        var quarantined = 0
        for record in records.sorted(by: { $0.batchID < $1.batchID }) {
            for table in planner.tables(touchedBy: record) where only?.contains(table) ?? true {
                let key = LedgerKey(batch: record.batchID.rawValue, table: table)
                if ledger.loaded.contains(key) { continue }
                if ledger.quarantined.contains(key) && !retryQuarantined {
                    quarantined += 1
                    continue
                }
                pending[table, default: []].append(record)
            }
        }
        return (planner.loadOrder(pending.keys).map { TableWork(table: $0, records: pending[$0] ?? []) }, quarantined)
    }

    /// The oldest of `records` that still has a (batch, table) pair loaded neither before the
    /// cycle (`ledger`) nor by it (`loadedNow`): deferred by a limit, quarantined, or left by a
    /// stop. Its staged files age toward the staging lifecycle's expiry while they wait; nil when
    /// every pair is loaded.
    public static func oldestUnloaded(
        records: [CommitRecord], ledger: LedgerState, loadedNow: Set<LedgerKey>, planner: LoadPlanner
    ) -> BatchID? {
        records.filter { record in
            planner.tables(touchedBy: record).contains { table in
                let key = LedgerKey(batch: record.batchID.rawValue, table: table)
                return !ledger.loaded.contains(key) && !loadedNow.contains(key)
            }
        }.map(\.batchID).min()
    }
}

extension LoadLimits {
    /// `work`'s batches, oldest first, in consecutive loads each within these limits (a batch
    /// over them alone loads alone). Never empty.
    public func split(_ work: TableWork) -> [TableWork] {
        var loads: [TableWork] = []
        var current: [CommitRecord] = []
        var files = 0
        var bytes: Int64 = 0
        var rows = 0
        for record in work.records {
            let own = record.files.filter { $0.table == work.table }
            let ownBytes = own.reduce(Int64(0)) { $0 + $1.bytes }
            let ownRows = own.reduce(0) { $0 + $1.rows }
            let full = current.count >= maxBatches
                || (!current.isEmpty && (files + own.count > maxFiles || bytes + ownBytes > maxBytes || rows + ownRows > maxRows))
            if full {
                loads.append(TableWork(table: work.table, records: current))
                (current, files, bytes, rows) = ([], 0, 0, 0)
            }
            current.append(record)
            files += own.count
            bytes += ownBytes
            rows += ownRows
        }
        loads.append(TableWork(table: work.table, records: current))
        return loads
    }
}
