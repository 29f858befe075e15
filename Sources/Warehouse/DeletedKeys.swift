import Catalog

/// The keys the source deleted, remembered for a retention period so that a change older than
/// the delete cannot bring the row back when it arrives in a later load (a redelivered record,
/// a replay, a backfill). Within one load the rank already puts the delete first; across loads
/// the deleted row is gone from the target, so nothing else would remember it.
///
/// One table per target, `millrace_deleted_<table>`: the merge key, the delete's ordering
/// columns (the version column when it is not part of the key, then `_lsn`) and when it was
/// recorded. A newer change of the key (a re-insert) removes its entry.
struct DeletedKeys {
    let definition: TableDefinition
    let dialect: SQLDialect
    let schema: String
    /// Entries older than this are pruned at each load.
    let retention: Duration

    static func tableName(_ table: String) -> String { "millrace_deleted_\(table)" }

    var table: String { "\(dialect.quoted(schema)).\(dialect.quoted(Self.tableName(definition.name)))" }

    /// The columns that order changes of one key, most significant first.
    var ordering: [String] {
        var columns: [String] = []
        if let version = definition.keys.version, !definition.keys.merge.contains(version) { columns.append(version) }
        return columns + ["_lsn"]
    }

    /// `CREATE TABLE IF NOT EXISTS` for the table, typed like the target's columns.
    func createTable() -> String {
        let keys = definition.keys.merge
        let items = (keys + ordering).compactMap { name in definition.columns.first { $0.name == name } }.map { column in
            "\(dialect.quoted(column.name)) \(column.sqlType(dialect))\(keys.contains(column.name) ? " NOT NULL" : "")"
        }
        return "CREATE TABLE IF NOT EXISTS \(table) (\(items.joined(separator: ", ")), \(dialect.quoted("deleted_at")) TIMESTAMPTZ NOT NULL, "
            + "PRIMARY KEY (\(SQLText.names(keys, dialect))));"
    }

    /// Drops from `latest` every change no newer than its key's recorded delete.
    func dropSuperseded(from latest: String) -> String {
        "DELETE FROM \(latest) USING \(table) d WHERE \(SQLText.keysMatch(definition.keys.merge, "d", latest, dialect)) "
            + "AND \(atLeastAsNew("d", latest, ordering[...]));"
    }

    /// Replaces the entries of the keys in `latest` with its deletes (`isDelete`), then prunes
    /// entries past the retention.
    func record(from latest: String, isDelete: String) -> [String] {
        let columns = definition.keys.merge + ordering
        return [
            "DELETE FROM \(table) USING \(latest) WHERE \(SQLText.keysMatch(definition.keys.merge, table, latest, dialect));",
            "INSERT INTO \(table) (\(SQLText.names(columns, dialect)), \(dialect.quoted("deleted_at"))) SELECT "
                + "\(SQLText.names(columns, dialect)), CURRENT_TIMESTAMP FROM \(latest) WHERE \(isDelete);",
            "DELETE FROM \(table) WHERE \(dialect.quoted("deleted_at")) < CURRENT_TIMESTAMP - INTERVAL "
                + "'\(retention.components.seconds) seconds';",
        ]
    }

    /// `left`'s ordering columns compare greater than or equal to `right`'s, lexicographically.
    private func atLeastAsNew(_ left: String, _ right: String, _ columns: ArraySlice<String>) -> String {
        guard let column = columns.first else { return "TRUE" }
        let l = "\(left).\(dialect.quoted(column))"
        let r = "\(right).\(dialect.quoted(column))"
        if columns.count == 1 { return "\(l) >= \(r)" }
        return "(\(l) > \(r) OR (\(l) = \(r) AND \(atLeastAsNew(left, right, columns.dropFirst()))))"
    }
}
