import Catalog

/// The statements that merge one table's staged rows of a load into its target table: fold the
/// older versions' staging tables into the newest, keep the newest change per merge key, drop
/// what an earlier load already superseded, fill unchanged TOASTed columns (`UnchangedColumns`),
/// apply deletes and remember them, then `MERGE` the rest (from a table, as Redshift requires).
struct TableMerge {
    let definition: TableDefinition
    let names: WarehouseNames
    /// How long deleted keys are remembered (see `DeletedKeys`).
    let deleteRetention: Duration

    private var dialect: SQLDialect { names.dialect }
    private var order: ChangeOrder { ChangeOrder(definition: definition, dialect: dialect) }
    private func q(_ name: String) -> String { dialect.quoted(name) }

    var target: String { names.target(definition.name) }
    var latest: String { names.temp(Self.latestName(definition.name)) }
    var deletedKeys: DeletedKeys { DeletedKeys(definition: definition, names: names, retention: deleteRetention) }
    var unchanged: UnchangedColumns { UnchangedColumns(definition: definition, names: names) }
    var stage: String { names.temp(Self.stagingName(definition.name, version: definition.version)) }

    static func stagingName(_ table: String, version: Int) -> String { "stage_\(table)_v\(version)" }
    static func latestName(_ table: String) -> String { "latest_\(table)" }

    /// `(alias._op = 'd' OR alias._deleted)`.
    func isDelete(_ alias: String) -> String {
        "(\(alias).\(q("_op")) = 'd' OR \(alias).\(q("_deleted")))"
    }

    /// Folds the staging tables of older versions into the newest one (evolution only adds
    /// columns, so an older version's columns all exist in the newest).
    func foldOlderVersions(_ older: [TableDefinition]) -> [String] {
        older.map { version in
            let columns = version.stagedColumnIndices.map { version.columns[$0].name }
            return "INSERT INTO \(stage) (\(SQLText.names(columns, dialect))) SELECT \(SQLText.names(columns, dialect)) FROM "
                + "\(names.temp(Self.stagingName(definition.name, version: version.version)));"
        }
    }

    /// The newest change per merge key (see `ChangeOrder`), never older than a delete of the key
    /// remembered by an earlier load, nor than what the target already holds.
    func selectLatest() -> [String] {
        let columns = definition.stagedColumnIndices.map { definition.columns[$0].name }
        let withoutLSN = columns.filter { $0 != "_lsn" }
        let rank = q("_millrace_rank")
        return [
            "CREATE TEMP TABLE \(latest) AS SELECT \(SQLText.names(columns, dialect)) FROM (SELECT e.*, ROW_NUMBER() OVER (PARTITION BY "
                + "\(SQLText.names(definition.keys.merge, dialect, alias: "e")) ORDER BY \(order.newestFirst)) AS \(rank) FROM "
                + "(SELECT \(SQLText.names(withoutLSN, dialect, alias: "s")), \(order.effectiveLSN("s")) AS \(q("_lsn")) FROM \(stage) s) e) ranked "
                + "WHERE \(rank) = 1;",
            deletedKeys.dropSuperseded(from: latest),
            "DELETE FROM \(latest) USING \(target) t WHERE \(SQLText.keysMatch(definition.keys.merge, "t", latest, dialect)) "
                + "AND \(order.isNewer("t", than: latest, strict: true));",
        ] + unchanged.fill(latest: latest, stage: stage, target: target, isDelete: isDelete)
    }

    /// Applies deletes and remembers them, then upserts the remaining changes with MERGE from a
    /// table, then keeps the unchanged columns' entries and fills the target from late carriers.
    func apply() -> [String] {
        let columns = definition.targetColumns.map(\.name)
        let keys = definition.keys.merge
        let updates = columns.filter { !keys.contains($0) }.map { "\(q($0)) = s.\(q($0))" }
        return unchanged.clear(latest: latest) + [
            "DELETE FROM \(target) USING \(latest) WHERE \(SQLText.keysMatch(keys, target, latest, dialect)) AND \(isDelete(latest));"
        ] + deletedKeys.record(from: latest, isDelete: isDelete) + [
            "DELETE FROM \(latest) WHERE \(isDelete(latest));",
            "MERGE INTO \(target) USING \(latest) s ON \(SQLText.keysMatch(keys, target, "s", dialect)) "
                + "WHEN MATCHED THEN UPDATE SET \(updates.joined(separator: ", ")) "
                + "WHEN NOT MATCHED THEN INSERT (\(SQLText.names(columns, dialect))) VALUES (\(SQLText.names(columns, dialect, alias: "s")));",
        ] + unchanged.record(stage: stage, target: target, isDelete: isDelete)
    }
}
