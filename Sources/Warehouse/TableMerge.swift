import Catalog

/// The statements that merge one table's staged rows of a load into its target table.
struct TableMerge {
    let definition: TableDefinition
    let dialect: SQLDialect
    let schema: String
    /// How long deleted keys are remembered (see `DeletedKeys`).
    let deleteRetention: Duration

    var target: String { "\(dialect.quoted(schema)).\(dialect.quoted(definition.name))" }
    var latest: String { dialect.quoted("latest_\(definition.name)") }
    var upserts: String { dialect.quoted("upsert_\(definition.name)") }
    var deletedKeys: DeletedKeys { DeletedKeys(definition: definition, dialect: dialect, schema: schema, retention: deleteRetention) }

    static func stagingName(_ table: String, version: Int) -> String { "stage_\(table)_v\(version)" }

    /// Folds the staging tables of older versions into the newest one (evolution only adds
    /// columns, so an older version's columns all exist in the newest).
    func foldOlderVersions(_ older: [TableDefinition]) -> [String] {
        let newest = dialect.quoted(Self.stagingName(definition.name, version: definition.version))
        return older.map { version in
            let columns = version.stagedColumnIndices.map { version.columns[$0].name }
            return "INSERT INTO \(newest) (\(SQLText.names(columns, dialect))) SELECT \(SQLText.names(columns, dialect)) FROM "
                + "\(dialect.quoted(Self.stagingName(definition.name, version: version.version)));"
        }
    }

    /// The newest change per merge key, never older than what the target already holds or than
    /// a delete of the key recorded by an earlier load.
    func selectLatest() -> [String] {
        let stage = dialect.quoted(Self.stagingName(definition.name, version: definition.version))
        var order: [String] = []
        if let version = definition.keys.version { order.append("\(dialect.quoted(version)) DESC NULLS LAST") }
        order += ["\(dialect.quoted("_lsn")) DESC NULLS LAST", "\(dialect.quoted("_kafka_partition")) DESC", "\(dialect.quoted("_kafka_offset")) DESC"]
        var statements = [
            "CREATE TEMP TABLE \(latest) AS SELECT * FROM (SELECT s.*, ROW_NUMBER() OVER (PARTITION BY "
                + "\(SQLText.names(definition.keys.merge, dialect, alias: "s")) ORDER BY \(order.joined(separator: ", "))) AS "
                + "\(dialect.quoted("_millrace_rank")) FROM \(stage) s) ranked WHERE \(dialect.quoted("_millrace_rank")) = 1;"
        ]
        // A replayed or backfilled older change must not overwrite a newer row already loaded
        // (moot when the version is part of the merge key: each version is its own row).
        statements.append(deletedKeys.dropSuperseded(from: latest))
        let ordering = definition.keys.version ?? "_lsn"
        guard !definition.keys.merge.contains(ordering) else { return statements }
        statements.append(
            "DELETE FROM \(latest) USING \(target) t WHERE \(SQLText.keysMatch(definition.keys.merge, "t", latest, dialect)) "
                + "AND t.\(dialect.quoted(ordering)) > \(latest).\(dialect.quoted(ordering));")
        return statements
    }

    /// Applies deletes and remembers them, then upserts the remaining changes with MERGE from a
    /// table.
    func apply() -> [String] {
        let isDelete = "(\(latest).\(dialect.quoted("_op")) = 'd' OR \(latest).\(dialect.quoted("_deleted")))"
        let columns = definition.targetColumns.map(\.name)
        let keys = definition.keys.merge
        let updates = columns.filter { !keys.contains($0) }.map { "\(dialect.quoted($0)) = s.\(dialect.quoted($0))" }
        return [
            "DELETE FROM \(target) USING \(latest) WHERE \(SQLText.keysMatch(keys, target, latest, dialect)) AND \(isDelete);"
        ] + deletedKeys.record(from: latest, isDelete: isDelete) + [
            "CREATE TEMP TABLE \(upserts) AS SELECT \(SQLText.names(columns, dialect)) FROM \(latest) WHERE NOT \(isDelete);",
            "MERGE INTO \(target) USING \(upserts) s ON \(SQLText.keysMatch(keys, target, "s", dialect)) "
                + "WHEN MATCHED THEN UPDATE SET \(updates.joined(separator: ", ")) "
                + "WHEN NOT MATCHED THEN INSERT (\(SQLText.names(columns, dialect))) VALUES (\(SQLText.names(columns, dialect, alias: "s")));",
        ]
    }
}
