import Catalog

/// The keys the source deleted, remembered for a retention period so that a change older than
/// the delete cannot bring the row back when it arrives in a later load (a redelivered record,
/// a replay, a backfill). Within one load the ranking already puts the delete first; across
/// loads the deleted row is gone from the target, so nothing else would remember it.
///
/// One table per target, `millrace_deleted_<table>`: the merge key, the delete's ordering
/// columns (`_lsn`, and the version column when it is not part of the key) and when it was
/// recorded. A newer change of the key (a re-insert) removes its entry. A tombstone alone
/// (no LSN, no version) never replaces an entry: it would erase the ordering that keeps a
/// later replay of an old insert out.
struct DeletedKeys {
    let definition: TableDefinition
    let names: WarehouseNames
    /// Entries older than this are pruned at each load.
    let retention: Duration

    private var dialect: SQLDialect { names.dialect }
    private var order: ChangeOrder { ChangeOrder(definition: definition, dialect: dialect) }
    var table: String { names.deleted(definition.name) }

    /// The columns of an entry besides the key: the ordering columns.
    private var ordering: [String] { (order.version.map { [$0] } ?? []) + ["_lsn"] }

    /// `CREATE TABLE IF NOT EXISTS` for the table, typed like the target's columns.
    func createTable() -> String {
        let keys = definition.keys.merge
        let items = (keys + ordering).compactMap { name in definition.column(name) }.map { column in
            "\(dialect.quoted(column.name)) \(column.sqlType(dialect))\(keys.contains(column.name) ? " NOT NULL" : "")"
        }
        return "CREATE TABLE IF NOT EXISTS \(table) (\(items.joined(separator: ", ")), \(dialect.quoted("deleted_at")) TIMESTAMPTZ NOT NULL, "
            + "PRIMARY KEY (\(SQLText.names(keys, dialect))));"
    }

    /// Drops from `latest` every change no newer than its key's remembered delete, and every
    /// lone tombstone of a key already remembered as deleted.
    func dropSuperseded(from latest: String) -> String {
        "DELETE FROM \(latest) USING \(table) d WHERE \(SQLText.keysMatch(definition.keys.merge, "d", latest, dialect)) "
            + "AND (\(order.isNewer("d", than: latest, strict: false)) OR \(order.isUnordered(latest)));"
    }

    /// Records the deletes among `latest` (`isDelete`), replacing older entries of their keys,
    /// clears the entries of re-inserted keys, then prunes entries past the retention.
    func record(from latest: String, isDelete: (String) -> String) -> [String] {
        let columns = definition.keys.merge + ordering
        let keys = definition.keys.merge
        return [
            "DELETE FROM \(table) USING \(latest) WHERE \(SQLText.keysMatch(keys, table, latest, dialect)) AND NOT \(order.isUnordered(latest));",
            "INSERT INTO \(table) (\(SQLText.names(columns, dialect)), \(dialect.quoted("deleted_at"))) SELECT "
                + "\(SQLText.names(columns, dialect, alias: "l")), CURRENT_TIMESTAMP FROM \(latest) l WHERE \(isDelete("l")) "
                + "AND NOT EXISTS (SELECT 1 FROM \(table) d WHERE \(SQLText.keysMatch(keys, "d", "l", dialect)));",
            "DELETE FROM \(table) WHERE \(dialect.quoted("deleted_at")) < CURRENT_TIMESTAMP - INTERVAL "
                + "'\(retention.components.seconds) seconds';",
        ]
    }
}
