public import Staging

/// What `millrace reload` asks for: the staged files of an event-time window, of some tables,
/// loaded again.
public struct ReloadRequest: Sendable, Hashable {
    /// The window's start, inclusive, in milliseconds since the epoch.
    public var fromMillis: Int64
    /// The window's end, exclusive, in milliseconds since the epoch.
    public var toMillis: Int64
    /// The tables to reload; nil for every table.
    public var tables: Set<String>?
    /// Merge again the batches the ledger already holds (after a target was truncated or
    /// rebuilt). Without it a reload is idempotent through the ledger: it loads only what the
    /// ledger does not hold.
    public var force: Bool

    /// A request for `[fromMillis, toMillis)`.
    public init(fromMillis: Int64, toMillis: Int64, tables: Set<String>? = nil, force: Bool = false) {
        self.fromMillis = fromMillis
        self.toMillis = toMillis
        self.tables = tables
        self.force = force
    }

    /// Whether `file` may hold rows of the window: its event-time hour overlaps it. A staged
    /// file holds the rows of one hour, so the window is honoured to the hour; merging a few
    /// rows of the window's edge hours again changes nothing (merges are idempotent by key and
    /// version). A file whose hour cannot be read is taken: reloading too much is harmless,
    /// too little is not.
    func overlaps(_ file: StagedFile) -> Bool {
        guard let hour = UTCHour(file.hour) else { return true }
        let start = hour.hoursSinceEpoch * 3_600_000
        return start < toMillis && start + 3_600_000 > fromMillis
    }
}

/// The work of a reload, selected from the committed batches and the ledger.
///
/// A (batch, table) pair with files in the window that the ledger does not hold is loaded
/// whole, exactly as a cycle would load it, with its ledger row: loading only the window's
/// files and recording the pair would lose its other files. A pair the ledger holds is
/// skipped, or with `force` merged again from the window's files only, without touching the
/// ledger. Quarantined pairs are left to `millrace load --retry-quarantined`.
public struct ReloadWork: Sendable, Hashable {
    /// Pairs the ledger does not hold, in loads within the limits, per table in load order.
    public var load: [TableWork]
    /// Pairs the ledger holds, to merge again (`force`): the batches with only their files in
    /// the window, in loads within the limits, per table in load order.
    public var remerge: [TableWork]
    /// Pairs in the window the ledger holds that are not merged again (no `force`).
    public var alreadyLoaded: Int
    /// Quarantined pairs in the window, not retried.
    public var quarantined: Int

    /// Selects the work of `request` from `records` (any order) against `ledger`.
    public static func select(
        records: [CommitRecord], ledger: LedgerState, planner: LoadPlanner, limits: LoadLimits, request: ReloadRequest
    ) -> ReloadWork {
        var pending: [CommitRecord] = []
        var pendingTables: Set<String> = []
        var remerge: [String: [CommitRecord]] = [:]
        var alreadyLoaded = 0
        var quarantined = 0
        for record in records.sorted(by: { $0.batchID < $1.batchID }) {
            let inWindow = record.files.filter { (request.tables?.contains($0.table) ?? true) && request.overlaps($0) }
            var isPending = false
            for table in Set(inWindow.map(\.table)) {
                let key = LedgerKey(batch: record.batchID.rawValue, table: table)
                if ledger.quarantined.contains(key) {
                    quarantined += 1
                } else if !ledger.loaded.contains(key) {
                    isPending = true
                    pendingTables.insert(table)
                } else if request.force {
                    var again = record
                    again.files = inWindow.filter { $0.table == table }
                    remerge[table, default: []].append(again)
                } else {
                    alreadyLoaded += 1
                }
            }
            if isPending { pending.append(record) }
        }
        // The pending pairs load as a cycle loads them: the whole batch, with its ledger row.
        let load = LoadWork.pending(records: pending, ledger: ledger, planner: planner, retryQuarantined: false, tables: pendingTables)
        return ReloadWork(
            load: load.tables.flatMap(limits.split),
            remerge: planner.loadOrder(remerge.keys).flatMap { limits.split(TableWork(table: $0, records: remerge[$0] ?? [])) },
            alreadyLoaded: alreadyLoaded, quarantined: quarantined)
    }
}
