import Staging
public import Warehouse

/// How far a reload has come, after each load.
public struct ReloadProgress: Sendable, Hashable {
    /// Loads committed so far, and in all.
    public var loadsDone = 0, loadsTotal = 0
    /// Staged rows and bytes of the committed loads, and in all.
    public var rowsDone = 0, rowsTotal = 0
    /// Staged bytes of the committed loads, and in all.
    public var bytesDone: Int64 = 0, bytesTotal: Int64 = 0
    /// The table of the load just committed.
    public var table = ""

    /// Nothing done yet.
    public init() {}
}

/// What a reload did.
public struct ReloadReport: Sendable {
    /// Loads of pairs the ledger did not hold (recorded in the ledger), in order.
    public var loaded: [CycleReport.TableLoad] = []
    /// Loads merging again pairs the ledger held (`--force`), in order.
    public var remerged: [CycleReport.TableLoad] = []
    /// Pairs quarantined by this reload.
    public var quarantined: [CycleReport.Quarantine] = []
    /// Pairs in the window the ledger held and that were not merged again (no `--force`).
    public var alreadyLoaded = 0
    /// Quarantined pairs in the window, left to `millrace load --retry-quarantined`.
    public var skippedQuarantined = 0
    /// The loader holding the live lease when the reload started, if any (the reload runs
    /// beside it: the ledger lock serialises their loads).
    public var liveHolder: String?
    /// Loads not run because `shouldStop` said so (run the same reload again for them).
    public var stoppedBefore = 0
    /// How long the reload took.
    public var duration: Duration = .zero
}

extension Loader {
    /// The lease a reload holds: one reload at a time, beside the live loader's lease. Both
    /// lock the ledger in every load transaction, so their loads never interleave; a pair both
    /// try to load is loaded by one, the other's check refusing it (`MR002`).
    private var reloadLease: LeaseStatements {
        LeaseStatements(dialect: settings.dialect, schema: settings.load.schema, name: settings.load.leaseName + "-reload",
            holder: settings.holder, ttl: settings.leaseTTL)
    }

    /// Loads the staged files of `request`'s window again (`millrace reload`): pairs the ledger
    /// does not hold are loaded whole and recorded, as a cycle would; with `request.force`, pairs
    /// it holds are merged again from the window's files, the ledger untouched. `progress` is
    /// called after each committed load; `shouldStop` is asked before each load (what it leaves
    /// is counted in `stoppedBefore`). Throws when another reload holds the reload lease, when
    /// the warehouse or staging store fails, or when a batch merged again is refused (nothing
    /// of that load is committed; loads before it are).
    public func reload(
        _ request: ReloadRequest, progress: @Sendable (ReloadProgress) -> Void = { _ in }, shouldStop: @Sendable () -> Bool = { false }
    ) async throws(LoaderError) -> ReloadReport {
        let started = ContinuousClock.now
        let lease = reloadLease
        guard case .held(let grant) = try await takeLease(lease) else {
            let holder = try await executor.query(lease.read).first?.first ?? nil
            throw LoaderError(.leaseLost, "another reload (\(holder ?? "?")) holds the lease \(lease.name); wait for it to finish")
        }
        do {
            var report = try await reload(request, lease: lease, grant: grant, progress: progress, shouldStop: shouldStop)
            _ = try? await executor.transaction([lease.release])
            report.duration = .now - started
            return report
        } catch {
            // Given up at once, so the same command can run again without waiting for the expiry.
            _ = try? await executor.transaction([lease.release])
            throw error
        }
    }

    private func reload(
        _ request: ReloadRequest, lease: LeaseStatements, grant: LeaseGrant, progress: @Sendable (ReloadProgress) -> Void,
        shouldStop: @Sendable () -> Bool
    ) async throws(LoaderError) -> ReloadReport {
        var report = ReloadReport()
        report.liveHolder = try await liveHolder()
        if !bootstrapped {
            try await executor.execute(planner.bootstrapStatements)
            bootstrapped = true
        }
        var records: [CommitRecord] = []
        for (batch, key) in try await commitLog.list() {
            if let record = try await commitLog.read(batch, key: key) { records.append(record) }
        }
        try await addVersions(usedBy: records)
        let ledger = LedgerState(rows: try await executor.query(planner.ledgerQuery(from: nil)))
        let work = ReloadWork.select(records: records, ledger: ledger, planner: planner, limits: settings.limits, request: request)
        report.alreadyLoaded = work.alreadyLoaded
        report.skippedQuarantined = work.quarantined
        var done = ReloadProgress()
        for load in work.load + work.remerge {
            let files = load.records.flatMap(\.files).filter { $0.table == load.table }
            done.loadsTotal += 1
            done.rowsTotal += files.reduce(0) { $0 + $1.rows }
            done.bytesTotal += files.reduce(Int64(0)) { $0 + $1.bytes }
        }
        progress(done)
        for (index, load) in (work.load + work.remerge).enumerated() {
            if shouldStop() {
                report.stoppedBefore = done.loadsTotal - index
                break
            }
            guard case .held(let renewed) = try await takeLease(lease), renewed.token == grant.token else {
                throw LoaderError(.leaseLost, "the lease \(lease.name) went to another reload during this one")
            }
            let loadStarted = ContinuousClock.now
            try await sync(load.table)
            let committed: [CommitRecord]
            if index < work.load.count {
                let outcome = try await loadPending(load, grant: grant)
                committed = outcome.loaded
                report.quarantined += outcome.quarantined
            } else {
                do {
                    let plan = try planner.remergePlan(table: load.table, records: load.records, loadID: Self.loadID(), lease: grant)
                    try await executor.load(plan, store: store, crashHook: crashHook)
                } catch let error as LoaderError {
                    throw error
                } catch {
                    throw LoaderError(.data, "cannot plan the reload of \(load.table): \(error)", underlying: SendableText("\(error)"))
                }
                committed = load.records
            }
            let files = load.records.flatMap(\.files).filter { $0.table == load.table }
            done.loadsDone += 1
            done.rowsDone += files.reduce(0) { $0 + $1.rows }
            done.bytesDone += files.reduce(Int64(0)) { $0 + $1.bytes }
            done.table = load.table
            progress(done)
            guard !committed.isEmpty else { continue }
            let loadedFiles = committed.flatMap(\.files).filter { $0.table == load.table }
            let entry = CycleReport.TableLoad(
                table: load.table, batches: committed.count, files: loadedFiles.count, rows: loadedFiles.reduce(0) { $0 + $1.rows },
                bytes: loadedFiles.reduce(Int64(0)) { $0 + $1.bytes }, duration: .now - loadStarted)
            if index < work.load.count { report.loaded.append(entry) } else { report.remerged.append(entry) }
        }
        return report
    }

    /// Loads pairs the ledger did not hold when the reload started. The live loader may load
    /// some meanwhile: a load it refuses as already loaded (`MR002`) is tried again without the
    /// pairs the ledger now holds.
    private func loadPending(_ load: TableWork, grant: LeaseGrant) async throws(LoaderError)
        -> (loaded: [CommitRecord], quarantined: [CycleReport.Quarantine])
    {
        var records = load.records
        while !records.isEmpty {
            do {
                return try await loadIsolating(load.table, records, grant: grant)
            } catch where error.code == .alreadyLoaded {
                let ledger = LedgerState(rows: try await executor.query(planner.ledgerQuery(from: records.map(\.batchID).min())))
                let before = records.count
                records.removeAll { ledger.loaded.contains(LedgerKey(batch: $0.batchID.rawValue, table: load.table)) }
                if records.count == before { throw error }
            }
        }
        return ([], [])
    }
}
