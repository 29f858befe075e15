public import Catalog
import Foundation
public import Logging
public import Staging
public import Warehouse

/// How the loader names itself and bounds its work.
public struct LoaderSettings: Sendable {
    /// Bucket, prefix, role, schema, lease name and delete retention.
    public var load: LoadSettings
    /// The warehouse's dialect.
    public var dialect: SQLDialect
    /// How much one table's load may take.
    public var limits: LoadLimits
    /// How long a lease grant lasts without renewal.
    public var leaseTTL: Duration
    /// This loader's identity in the lease (host, process, a random suffix).
    public var holder: String
    /// The staging store's layout (where evolved schemas live).
    public var layout: StagingLayout

    /// Settings with every part given.
    public init(load: LoadSettings, dialect: SQLDialect, limits: LoadLimits = LoadLimits(), leaseTTL: Duration = .seconds(300),
                holder: String, layout: StagingLayout = StagingLayout()) {
        self.load = load
        self.dialect = dialect
        self.limits = limits
        self.leaseTTL = leaseTTL
        self.holder = holder
        self.layout = layout
    }

    /// `host/pid/random`: unique per process, readable in the lease row.
    public static func defaultHolder() -> String {
        "\(ProcessInfo.processInfo.hostName)/\(ProcessInfo.processInfo.processIdentifier)/\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
    }
}

/// The warehouse loader: each cycle takes or renews the lease, reads the commit log, and loads
/// every committed batch the ledger does not hold, one transaction per table (see
/// `LoadPlanner`). A poison batch is quarantined for the table it breaks and the others load;
/// nothing is skipped silently and nothing loads twice.
public actor Loader {
    let settings: LoaderSettings
    let store: any StagingStore
    let executor: any WarehouseExecutor
    private let logger: Logger
    let crashHook: LoaderCrashHook?
    let io = BlockingIO(label: "millrace-loader-staging")
    var catalog: Catalog
    var commitLog: CommitLog
    var bootstrapped = false
    /// The token of the last grant: a new one means another loader ran meanwhile.
    private var lastToken: Int64?
    /// The newest version each table's target was brought to in this process.
    private var synced: [String: Int] = [:]

    /// A loader of `store`'s committed batches into the warehouse behind `executor`.
    public init(
        settings: LoaderSettings, catalog: Catalog, store: any StagingStore, executor: any WarehouseExecutor, logger: Logger,
        crashHook: LoaderCrashHook? = nil
    ) {
        self.settings = settings
        self.catalog = catalog
        self.store = store
        self.executor = executor
        self.logger = logger
        self.crashHook = crashHook
        commitLog = CommitLog(store: store, io: io)
    }

    private var lease: LeaseStatements {
        LeaseStatements(dialect: settings.dialect, schema: settings.load.schema, name: settings.load.leaseName,
            holder: settings.holder, ttl: settings.leaseTTL)
    }

    var planner: LoadPlanner { LoadPlanner(catalog: catalog, dialect: settings.dialect, settings: settings.load) }

    /// One cycle. With `retryQuarantined`, quarantined batches are loaded again (after a fix).
    /// `shouldStop` is asked between tables (a graceful shutdown ends the cycle early; what was
    /// not loaded waits for the next loader). Throws when the warehouse or the staging store
    /// fails; a poison batch does not throw.
    public func runCycle(retryQuarantined: Bool = false, shouldStop: @Sendable () -> Bool = { false }) async throws(LoaderError)
        -> CycleReport
    {
        let started = ContinuousClock.now
        let state = try await takeLease()
        var report = CycleReport(lease: state)
        guard case .held(let grant) = state else {
            report.duration = .now - started
            return report
        }
        if lastToken != grant.token {
            // Another loader may have loaded since this one last looked.
            commitLog.reset()
            lastToken = grant.token
        }
        if !bootstrapped {
            try await executor.execute(planner.bootstrapStatements)
            bootstrapped = true
        }
        let listed = try await commitLog.list()
        let ledger = LedgerState(rows: try await executor.query(planner.ledgerQuery(from: commitLog.oldestUnfinished(listed))))
        commitLog.absorb(listed, ledger: ledger)
        for (batch, key) in commitLog.unread(listed) {
            if let record = try await commitLog.read(batch, key: key) { commitLog.hold(record) }
        }
        let records = commitLog.unfinished
        try await addVersions(usedBy: records)
        let work = LoadWork.select(records: records, ledger: ledger, planner: planner, limits: settings.limits, retryQuarantined: retryQuarantined)
        report.waiting = work.deferred
        var loadedNow: Set<LedgerKey> = []
        for table in work.tables where !table.records.isEmpty {
            if shouldStop() {
                report.waiting += table.records.count
                continue
            }
            // Renew before each table: a long backlog must not outlive the grant.
            guard case .held(let renewed) = try await takeLease(), renewed.token == grant.token else {
                throw LoaderError(.leaseLost, "the lease \(settings.load.leaseName) went to another loader during the cycle")
            }
            let tableStarted = ContinuousClock.now
            try await sync(table.table)
            let outcome = try await loadIsolating(table.table, table.records, grant: grant)
            if !outcome.loaded.isEmpty {
                let files = outcome.loaded.flatMap(\.files).filter { $0.table == table.table }
                report.loads.append(CycleReport.TableLoad(
                    table: table.table, batches: outcome.loaded.count, files: files.count, rows: files.reduce(0) { $0 + $1.rows },
                    bytes: files.reduce(Int64(0)) { $0 + $1.bytes }, duration: .now - tableStarted))
            }
            report.quarantined += outcome.quarantined
            loadedNow.formUnion(outcome.loaded.map { LedgerKey(batch: $0.batchID.rawValue, table: table.table) })
        }
        report.oldestUnloaded = LoadWork.oldestUnloaded(records: records, ledger: ledger, loadedNow: loadedNow, planner: planner)
        report.quarantinedTotal = try await executor.query(planner.quarantinedQuery).count
        report.freshness = try await executor.query(planner.freshnessQuery).compactMap { row in
            guard row.count >= 3, let table = row[0] else { return nil }
            return CycleReport.Freshness(table: table, dataAsOf: row[1], frozen: row[2] == "true",
                epochSeconds: row.count > 3 ? row[3].flatMap { Double($0) } : nil)
        }
        report.duration = .now - started
        return report
    }

    /// Gives the lease up, so a standby loader takes over at once (graceful shutdown).
    public func release() async {
        _ = try? await executor.transaction([lease.release])
        await executor.close()
    }

    /// Takes or renews `lease` (the live loader's by default) and reads it back.
    func takeLease(_ lease: LeaseStatements? = nil) async throws(LoaderError) -> LeaseState {
        let lease = lease ?? self.lease
        try await executor.execute(lease.createTables)
        try await executor.transaction(lease.acquire)
        let rows = try await executor.query(lease.read)
        do {
            return try LeaseState.decide(row: rows.first, name: lease.name, holder: settings.holder)
        } catch {
            throw LoaderError(.warehouse, error.message)
        }
    }

    /// Who holds the live lease now, if anyone (read only: nothing is taken).
    func liveHolder() async throws(LoaderError) -> String? {
        try await executor.query(lease.activeHolder).first?.first ?? nil
    }

    /// Adds to the catalog the table versions `records` use that `Schemas/` does not declare
    /// (evolved while running, read from the staging store).
    func addVersions(usedBy records: [CommitRecord]) async throws(LoaderError) {
        do {
            catalog = try await io.run { [catalog, store, settings] in
                try EvolvedSchemas(store: store, layout: settings.layout).addingVersions(usedBy: records, to: catalog)
            }
        } catch {
            throw LoaderError(.staging, "cannot read the table versions the committed batches use: \(error)", underlying: SendableText("\(error)"))
        }
    }

    /// Brings `table`'s target to the newest version the catalog knows, once per version.
    func sync(_ table: String) async throws(LoaderError) {
        guard let newest = catalog.table(table)?.current.version, synced[table] != newest else { return }
        do {
            try await executor.execute(try planner.schemaSync(table: table))
        } catch let error as LoaderError {
            throw error
        } catch {
            throw LoaderError(.configuration, "cannot bring \(table) to version \(newest): \(error)", underlying: SendableText("\(error)"))
        }
        synced[table] = newest
    }

    /// Loads `records` into `table`; when the load's data is refused, splits the batches in
    /// halves until the refused ones stand alone, and quarantines those.
    func loadIsolating(_ table: String, _ records: [CommitRecord], grant: LeaseGrant) async throws(LoaderError)
        -> (loaded: [CommitRecord], quarantined: [CycleReport.Quarantine])
    {
        do {
            try await loadOnce(table, records, grant: grant)
            return (records, [])
        } catch where error.code == .data {
            guard records.count > 1 else {
                let quarantine = CycleReport.Quarantine(batch: records[0].batchID.rawValue, table: table, error: error.message)
                try await executor.transaction(planner.quarantine(
                    table: table, records: records, loadID: Self.loadID(), lease: grant, error: error.message).steps.map(\.text))
                logger.error("batch quarantined: its load into the warehouse was refused; fix the cause, then run millrace load --retry-quarantined",
                    metadata: ["batch": "\(quarantine.batch)", "table": "\(table)", "error": "\(error.message)"])
                return ([], [quarantine])
            }
            let half = records.count / 2
            let first = try await loadIsolating(table, Array(records[..<half]), grant: grant)
            let second = try await loadIsolating(table, Array(records[half...]), grant: grant)
            return (first.loaded + second.loaded, first.quarantined + second.quarantined)
        }
    }

    func loadOnce(_ table: String, _ records: [CommitRecord], grant: LeaseGrant) async throws(LoaderError) {
        let plan: LoadPlan
        do {
            plan = try planner.plan(table: table, records: records, loadID: Self.loadID(), lease: grant)
        } catch {
            // A table or version the catalog lacks: the batch cannot load until Schemas/ is fixed.
            throw LoaderError(.data, error.message)
        }
        try await executor.load(plan, store: store, crashHook: crashHook)
    }

    /// `load-yyyyMMddTHHmmssSSSZ-random`, sortable like batch ids.
    static func loadID() -> String {
        "load-" + BatchID(createdAtMillis: Int64(Date().timeIntervalSince1970 * 1000), random: UInt64.random(in: 0...UInt64.max)).rawValue
    }
}

extension Loader {
    /// What a loader would run for every batch committed in `store`, as one script (a dry run:
    /// no warehouse is touched, so the ledger counts as empty), with the bootstrap first. Also
    /// returns the COPY manifests the script's loads read.
    public static func dryRunScript(settings: LoaderSettings, catalog: Catalog, store: any StagingStore) async throws
        -> (text: String, manifests: [Manifest])
    {
        let io = BlockingIO(label: "millrace-loader-dry-run")
        var log = CommitLog(store: store, io: io)
        let listed = try await log.list()
        for (batch, key) in log.unread(listed) {
            if let record = try await log.read(batch, key: key) { log.hold(record) }
        }
        let records = log.unfinished
        let evolved = try await io.run { try EvolvedSchemas(store: store, layout: settings.layout).addingVersions(usedBy: records, to: catalog) }
        let planner = LoadPlanner(catalog: evolved, dialect: settings.dialect, settings: settings.load)
        let lease = LeaseStatements(dialect: settings.dialect, schema: settings.load.schema, name: settings.load.leaseName,
            holder: settings.holder, ttl: settings.leaseTTL)
        let script = try planner.script(for: records, loadID: loadID(), lease: LeaseGrant(name: settings.load.leaseName, token: 1))
        let header = "-- \(records.count) committed batches in \(store.location)\n-- the lease (each statement on its own):\n"
            + (lease.createTables + lease.acquire).joined(separator: "\n") + "\n-- once, before the first load:\n"
            + planner.bootstrapStatements.joined(separator: "\n") + "\n"
        return (header + script.text, script.manifests)
    }
}
