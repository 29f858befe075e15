public import Catalog
public import Staging

/// Plans the load of committed batches into the warehouse, as one transaction.
///
/// First the columns schema evolution added, each only if the target lacks it (see
/// `ColumnAdditions`). For each table (dimensions first) and each schema version in the load: a COPY manifest of
/// the exact files, a temp staging table whose columns are exactly the files' (COPY matches by
/// position), `COPY … FORMAT AS PARQUET MANIFEST`; older versions folded into the newest; the
/// newest change per merge key (never older than the target's row or a remembered delete);
/// deletes, remembered in `millrace_deleted_<table>`; a MERGE from a table. Then the daily
/// aggregate for the touched days, the ledger and the freshness row.
///
/// PostgreSQL has no COPY from Parquet: for that dialect the plan says where its loader inserts
/// the files' rows (read with Millrace's Parquet reader) and the rest of the SQL is the same.
public struct LoadPlanner: Sendable {
    /// The table declarations, every version.
    public let catalog: Catalog
    /// The warehouse's dialect.
    public let dialect: SQLDialect
    /// Bucket, role, schema and pipeline name.
    public let settings: LoadSettings

    /// A planner for `dialect`.
    public init(catalog: Catalog, dialect: SQLDialect, settings: LoadSettings) {
        self.catalog = catalog
        self.dialect = dialect
        self.settings = settings
    }

    /// The ledger, the freshness table and the deleted keys of each topic-fed table, created
    /// once before the first load (`IF NOT EXISTS`, so running them again is harmless).
    public var bootstrapStatements: [String] {
        LoadLedger(dialect: dialect, schema: settings.schema, pipeline: settings.pipeline).createTables()
            + catalog.tables.filter { $0.current.source.topic != nil }.map { merge($0.current).deletedKeys.createTable() }
            + columnAdditions.createProcedure()
    }

    private var columnAdditions: ColumnAdditions { ColumnAdditions(dialect: dialect, schema: settings.schema) }

    /// The plan loading `records` (committed batches not yet in the ledger) as load `loadID`.
    public func plan(_ records: [CommitRecord], loadID: String) throws(WarehouseError) -> LoadPlan {
        let ledger = LoadLedger(dialect: dialect, schema: settings.schema, pipeline: settings.pipeline)
        var statements = ["BEGIN;", ledger.lock()]
        var manifests: [Manifest] = []
        var seenChanges: Set<String> = []
        for change in records.flatMap(\.schemaChanges) where seenChanges.insert("\(change.table)/\(change.toVersion)").inserted {
            statements += columnAdditions.add(columnsOf: try definition(change.table, version: change.toVersion), after: change.fromVersion)
        }
        let files = Dictionary(grouping: records.flatMap(\.files), by: \.table)
        let refresh = DailyMetricsRefresh(catalog: catalog, dialect: dialect, schema: settings.schema)
        let refreshesDays = files[DailyMetricsRefresh.factTable] != nil && DailyMetricsRefresh.applies(to: catalog)
        for name in try orderedTables(files.keys) {
            guard let tableFiles = files[name] else { continue }
            let versions = try Set(tableFiles.map(\.schemaVersion)).sorted().map { version throws(WarehouseError) in
                try definition(name, version: version)
            }
            guard let newest = versions.last else { continue }
            for definition in versions {
                let stageName = TableMerge.stagingName(name, version: definition.version)
                let manifest = manifest(for: tableFiles.filter { $0.schemaVersion == definition.version }, name: "\(loadID)/\(stageName)")
                manifests.append(manifest)
                statements.append(definition.stagingTableSQL(named: stageName, dialect: dialect))
                statements.append(copy(into: stageName, manifest: manifest))
            }
            let merge = merge(newest)
            statements += merge.foldOlderVersions(Array(versions.dropLast()))
            statements += merge.selectLatest()
            if refreshesDays && name == DailyMetricsRefresh.factTable {
                statements += refresh.collectDays(latest: merge.latest, keys: newest.keys.merge)
            }
            statements += merge.apply()
        }
        if refreshesDays { statements += refresh.refresh() }
        statements += ledger.record(records, loadID: loadID)
        statements.append("COMMIT;")
        return LoadPlan(loadID: loadID, batches: records.map(\.batchID.rawValue), manifests: manifests, statements: statements)
    }

    /// Version `version` of `table`; the records name only versions the catalog must know.
    private func definition(_ table: String, version: Int) throws(WarehouseError) -> TableDefinition {
        guard let definition = catalog.table(table)?.version(version) else {
            throw WarehouseError(.unknownVersion, "\(table) has no version \(version) in the catalog")
        }
        return definition
    }

    private func merge(_ definition: TableDefinition) -> TableMerge {
        TableMerge(definition: definition, dialect: dialect, schema: settings.schema, deleteRetention: settings.deleteRetention)
    }

    /// Dimensions (DISTSTYLE ALL) before facts, so facts merged in the same load see them.
    private func orderedTables(_ names: some Sequence<String>) throws(WarehouseError) -> [String] {
        var result: [(rank: Int, name: String)] = []
        for name in names {
            guard let history = catalog.table(name) else {
                throw WarehouseError(.unknownTable, "a commit record stages table \(name), which Schemas/ does not declare")
            }
            result.append((history.current.distribution.style == .all ? 0 : 1, name))
        }
        return result.sorted { ($0.rank, $0.name) < ($1.rank, $1.name) }.map(\.name)
    }

    private func manifest(for files: [StagedFile], name: String) -> Manifest {
        let entries = files.sorted { $0.key < $1.key }.map { file in
            "    {\"url\": \"\(settings.url(file.key))\", \"mandatory\": true, \"meta\": {\"content_length\": \(file.bytes)}}"
        }
        return Manifest(key: "_millrace/manifests/\(name).manifest", json: "{\n  \"entries\": [\n\(entries.joined(separator: ",\n"))\n  ]\n}")
    }

    private func copy(into stageName: String, manifest: Manifest) -> String {
        if dialect == .redshift {
            return "COPY \(dialect.quoted(stageName)) FROM \(SQLText.literal(settings.url(manifest.key))) IAM_ROLE "
                + "\(SQLText.literal(settings.iamRole.isEmpty ? "default" : settings.iamRole)) FORMAT AS PARQUET MANIFEST;"
        }
        return "-- the PostgreSQL loader inserts the rows of \(settings.url(manifest.key)) into \(dialect.quoted(stageName)) (Parquet reader)"
    }
}
