public import Catalog
public import Staging

/// Plans loads of committed batches into the warehouse, one transaction per table.
///
/// A table's load covers every pending batch that touches it (see `tables(touchedBy:)`), in one
/// transaction: lock the ledger; per schema version a staging table whose columns are exactly
/// the files' (COPY matches by position) filled by COPY from a manifest; older versions folded
/// into the newest; the newest change per merge key (`ChangeOrder`), never older than a
/// remembered delete or the target's row; unchanged TOASTed columns filled; deletes applied and
/// remembered; `MERGE` from a table; the daily aggregate's touched days; then the check that the
/// lease is still held and no batch is loaded yet (`millrace_check_load`, last, so a lease lost
/// at any point refuses the commit); the ledger rows; the table's freshness; the temp tables
/// dropped, so one session runs any number of loads.
///
/// One transaction per table keeps each within the Redshift Data API's 40 statements and lets
/// a poison batch be quarantined for the one table it breaks. The ledger is keyed by (batch,
/// table), so exactly-once holds per table: a crash between two tables' loads leaves the
/// second for the next cycle.
public struct LoadPlanner: Sendable {
    /// The table declarations, every version.
    public let catalog: Catalog
    /// The warehouse's dialect.
    public let dialect: SQLDialect
    /// Bucket, role, schema, lease name and delete retention.
    public let settings: LoadSettings

    /// A planner for `dialect`.
    public init(catalog: Catalog, dialect: SQLDialect, settings: LoadSettings) {
        self.catalog = catalog
        self.dialect = dialect
        self.settings = settings
    }

    private var names: WarehouseNames { WarehouseNames(dialect: dialect, schema: settings.schema) }
    private var ledger: LoadLedger { LoadLedger(names: names) }
    private var freshness: Freshness { Freshness(names: names) }

    /// The tables fed by a topic, the ones loads write.
    private var topicTables: [TableDefinition] { catalog.tables.map(\.current).filter { $0.source.topic != nil } }

    /// Everything the loader needs before its first load, each statement on its own and
    /// harmless again: the ledger, the freshness tables and their banner view, the check
    /// procedure, the schema procedures, the deleted keys and unchanged-column entries of each
    /// topic-fed table, and every
    /// target table `Schemas/` declares that is missing. (The lease table comes first, with
    /// `LeaseStatements.createTables`, before the lease is taken.)
    public var bootstrapStatements: [String] {
        [ledger.createTable()]
            + freshness.createTables(tables: topicTables.map(\.name))
            + [ledger.createCheckProcedure()]
            + SchemaSync(names: names).createProcedures()
            + catalog.tables.flatMap { $0.current.createTableStatements(dialect, schema: settings.schema) }
            + topicTables.map { merge($0).deletedKeys.createTable() }
            + topicTables.compactMap { merge($0).unchanged.createTable() }
    }

    /// The idempotent statements bringing `table`'s target to the newest version the catalog
    /// knows (run before its loads, outside their transactions).
    public func schemaSync(table: String) throws(WarehouseError) -> [String] {
        guard let history = catalog.table(table) else {
            throw WarehouseError(.unknownTable, "\(table) is not declared in Schemas/")
        }
        return try SchemaSync(names: names).statements(history)
    }

    /// The tables `record` gives a load something to do in: those it staged files for, and,
    /// when it carries a heartbeat, those fed by a topic with a partition it read to its end.
    public func tables(touchedBy record: CommitRecord) -> Set<String> {
        var tables = Set(record.files.map(\.table))
        if record.stats.heartbeatMillis != nil {
            let topics = Set(record.caughtUp.map(\.topic))
            for table in topicTables where topics.contains(table.source.topic ?? "") { tables.insert(table.name) }
        }
        return tables
    }

    /// Dimensions (DISTSTYLE ALL) first, then the others, each by name.
    public func loadOrder(_ tables: some Sequence<String>) -> [String] {
        tables.sorted { lhs, rhs in
            let left = catalog.table(lhs)?.current.distribution.style == .all ? 0 : 1
            let right = catalog.table(rhs)?.current.distribution.style == .all ? 0 : 1
            return left != right ? left < right : lhs < rhs
        }
    }

    /// The transaction loading `records`' files of `table` as load `loadID`, checked against
    /// `lease`.
    public func plan(table: String, records: [CommitRecord], loadID: String, lease: LeaseGrant) throws(WarehouseError) -> LoadPlan {
        var merge = try mergeSteps(table: table, records: records, loadID: loadID)
        // Checked last, just before the ledger rows: a lease taken by another loader at any point
        // before this commit refuses it.
        merge.steps.append(.sql(ledger.check(lease: lease, table: table, batches: records.map(\.batchID))))
        merge.steps += ledger.record(records, tables: { tables(touchedBy: $0).count }, table: table, loadID: loadID, state: LoadLedger.loaded)
            .map(LoadStep.sql)
        merge.steps.append(.sql(freshness.thawIfClear(table)))
        merge.steps += freshness.update(table: table, topic: catalog.table(table)?.current.source.topic, stage: merge.stage, records: records)
            .map(LoadStep.sql)
        merge.temps.append(freshness.tempTable(table))
        merge.steps.append(.sql("DROP TABLE \(merge.temps.joined(separator: ", "));"))
        return LoadPlan(loadID: loadID, table: table, batches: records.map(\.batchID), steps: merge.steps)
    }

    /// The transaction merging `records`' files of `table` again, batches the ledger already
    /// holds (`millrace reload --force` after a target was truncated or rebuilt): the same
    /// merge as `plan`, checked against `lease` only. The ledger keeps its rows, and the
    /// table's "data as of" stays: old batches say nothing about how fresh the table is.
    public func remergePlan(table: String, records: [CommitRecord], loadID: String, lease: LeaseGrant) throws(WarehouseError) -> LoadPlan {
        var merge = try mergeSteps(table: table, records: records, loadID: loadID)
        merge.steps.append(.sql(ledger.check(lease: lease, table: table, batches: [])))
        if !merge.temps.isEmpty { merge.steps.append(.sql("DROP TABLE \(merge.temps.joined(separator: ", "));")) }
        return LoadPlan(loadID: loadID, table: table, batches: records.map(\.batchID), steps: merge.steps)
    }

    /// The ledger lock, then the staging tables filled by COPY and merged into the target:
    /// the steps, the temp tables to drop, and the newest version's staging table (nil when no
    /// record has a file of `table`).
    private func mergeSteps(table: String, records: [CommitRecord], loadID: String) throws(WarehouseError)
        -> (steps: [LoadStep], temps: [String], stage: String?)
    {
        guard let history = catalog.table(table) else {
            throw WarehouseError(.unknownTable, "a commit record stages table \(table), which Schemas/ does not declare")
        }
        var steps: [LoadStep] = [.sql(ledger.lock())]
        var temps: [String] = []
        let files = records.flatMap(\.files).filter { $0.table == table }
        let versions = try Set(files.map(\.schemaVersion)).sorted().map { version throws(WarehouseError) in
            guard let definition = history.version(version) else {
                throw WarehouseError(.unknownVersion, "\(table) has no version \(version) in the catalog")
            }
            return definition
        }
        guard let newest = versions.last else { return (steps, temps, nil) }
        for definition in versions {
            let stageName = TableMerge.stagingName(table, version: definition.version)
            let own = files.filter { $0.schemaVersion == definition.version }.sorted { $0.key < $1.key }
            let manifest = manifest(for: own, name: "\(loadID)/\(stageName)")
            steps.append(.sql(definition.stagingTableSQL(named: stageName, dialect: dialect)))
            steps.append(.copy(StagedCopy(
                stagingTable: stageName, definition: definition, files: own, manifest: manifest,
                statement: copyStatement(into: stageName, manifest: manifest))))
            temps.append(names.temp(stageName))
        }
        let merge = merge(newest)
        steps += merge.foldOlderVersions(Array(versions.dropLast())).map(LoadStep.sql)
        steps += merge.selectLatest().map(LoadStep.sql)
        temps.append(merge.latest)
        temps += merge.unchanged.tempTables
        let refresh = table == DailyMetricsRefresh.factTable ? DailyMetricsRefresh.of(catalog, names: names) : nil
        if let refresh {
            steps += refresh.collectDays(latest: merge.latest, keys: newest.keys.merge).map(LoadStep.sql)
            temps += refresh.tempTables
        }
        steps += merge.apply().map(LoadStep.sql)
        if let refresh { steps += refresh.refresh().map(LoadStep.sql) }
        return (steps, temps, merge.stage)
    }

    /// The transaction recording `records` as quarantined for `table` with `error`, and
    /// freezing the table's "data as of" until they load.
    public func quarantine(table: String, records: [CommitRecord], loadID: String, lease: LeaseGrant, error: String) -> LoadPlan {
        var steps: [LoadStep] = [.sql(ledger.lock()), .sql(ledger.check(lease: lease, table: table, batches: []))]
        steps += ledger.record(
            records, tables: { tables(touchedBy: $0).count }, table: table, loadID: loadID, state: LoadLedger.quarantined, error: error
        ).map(LoadStep.sql)
        steps += freshness.freeze(table).map(LoadStep.sql)
        return LoadPlan(loadID: loadID, table: table, batches: records.map(\.batchID), steps: steps)
    }

    /// The ledger rows (batch, table, state, the batch's table count) of batches from `oldest` on.
    public func ledgerQuery(from oldest: BatchID?) -> String { ledger.rows(from: oldest) }

    /// The quarantined ledger rows (batch, table, error).
    public var quarantinedQuery: String { ledger.quarantinedRows() }

    /// Each table's "data as of" (table, data_as_of, frozen, data_as_of in epoch seconds).
    public var freshnessQuery: String { freshness.rows() }

    private func merge(_ definition: TableDefinition) -> TableMerge {
        TableMerge(definition: definition, names: names, deleteRetention: settings.deleteRetention)
    }

    private func manifest(for files: [StagedFile], name: String) -> Manifest {
        let entries = files.sorted { $0.key < $1.key }.map { file in
            "    {\"url\": \"\(settings.url(file.key))\", \"mandatory\": true, \"meta\": {\"content_length\": \(file.bytes)}}"
        }
        return Manifest(key: "_millrace/manifests/\(name).manifest", json: "{\n  \"entries\": [\n\(entries.joined(separator: ",\n"))\n  ]\n}")
    }

    /// Redshift's COPY (Amazon Redshift Database Developer Guide, "COPY", "Authorization
    /// parameters": `IAM_ROLE { default | 'arn…' }`, the keyword unquoted; "COPY from columnar
    /// data formats"; "Using a manifest to specify data files"); for PostgreSQL the comment a
    /// dry run prints.
    private func copyStatement(into stageName: String, manifest: Manifest) -> String {
        if dialect == .redshift {
            let role = settings.iamRole.isEmpty ? "default" : SQLText.literal(settings.iamRole)
            return "COPY \(dialect.quoted(stageName)) FROM \(SQLText.literal(settings.url(manifest.key))) IAM_ROLE \(role) "
                + "FORMAT AS PARQUET MANIFEST;"
        }
        return "-- the PostgreSQL loader streams the rows of \(manifest.key) into \(dialect.quoted(stageName)) (COPY FROM STDIN)"
    }
}

extension LoadPlanner {
    /// What a loader would run for `records`, as one script to read (a dry run): per table
    /// touched, dimensions first, the statements bringing its target to the newest version, then
    /// its load transaction. `lease` stands for the grant the loader would hold. Also returns the
    /// plans' manifests, which a Redshift COPY reads.
    public func script(for records: [CommitRecord], loadID: String, lease: LeaseGrant) throws(WarehouseError)
        -> (text: String, manifests: [Manifest])
    {
        var text = ""
        var manifests: [Manifest] = []
        for table in loadOrder(Set(records.flatMap { tables(touchedBy: $0) })) {
            let touching = records.filter { tables(touchedBy: $0).contains(table) }
            let plan = try plan(table: table, records: touching, loadID: loadID, lease: lease)
            text += "-- bring \(table) to its newest version (each statement on its own):\n"
            text += try schemaSync(table: table).joined(separator: "\n") + "\n"
            text += plan.script
            manifests += plan.manifests
        }
        return (text, manifests)
    }
}
