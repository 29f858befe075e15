import Catalog

/// Unchanged TOASTed columns across loads, whatever order their changes are loaded in.
///
/// Under REPLICA IDENTITY DEFAULT an update that leaves a large column unchanged does not carry
/// it (Debezium's placeholder; the worker stages NULL and names the column in `_unchanged`).
/// The column's value at that update is the value of the newest earlier change of the key that
/// carried it (a carrier). The carrier is not always loaded first: a quarantined batch retried
/// later, a backfill of a new table, or a reload of a window loads older changes after newer
/// ones. So the warehouse remembers, per target row and column, where its value came from:
/// `millrace_unchanged_<table>` holds one entry per (key, column) whose value did not come from
/// the row's own change, with the carrier's ordering (`_lsn`, and the version column when it
/// orders changes) and whether any carrier was known (`resolved`; the target holds NULL until
/// one is).
///
/// Each load, per candidate column:
/// - a loaded row that left the column unchanged takes the newest carrier among this load's
///   changes and the target's value (the target's own change, or its entry's carrier), and its
///   entry records that carrier (or none);
/// - a loaded row that carried the column, or deleted the key, clears the key's entries;
/// - a change older than the target's row that carried the column (a late carrier) fills the
///   target's value when it is newer than the entry's carrier.
///
/// The newest carrier before a row always wins in the end, once every change is loaded: a
/// carrier from before a delete can only be replaced, since the insert after the delete carries
/// every column and is newer.
struct UnchangedColumns {
    let definition: TableDefinition
    let names: WarehouseNames

    private var dialect: SQLDialect { names.dialect }
    private var order: ChangeOrder { ChangeOrder(definition: definition, dialect: dialect) }
    private var keys: [String] { definition.keys.merge }
    private func q(_ name: String) -> String { dialect.quoted(name) }

    /// The entries table.
    var table: String { names.unchanged(definition.name) }

    /// The ordering columns an entry keeps of its carrier (as the target keeps its row's).
    private var ordering: [String] { ["_lsn"] + (order.version.map { [$0] } ?? []) }

    /// The columns Debezium may leave out of an update as "unavailable" (TOASTed and unchanged
    /// under REPLICA IDENTITY DEFAULT): the variable-length ones outside the key. None when the
    /// table's staged files carry no `_unchanged` column.
    var candidates: [Column] {
        guard definition.column("_unchanged") != nil else { return [] }
        return definition.columns.filter { column in
            guard column.sourceField != nil, !keys.contains(column.name) else { return false }
            switch column.type {
            case .varchar, .json, .bytes: return true
            default: return false
            }
        }
    }

    /// `CREATE TABLE IF NOT EXISTS` for the entries, typed like the target's columns; nil when
    /// the table has no candidate column.
    func createTable() -> String? {
        guard !candidates.isEmpty else { return nil }
        let items = (keys + ordering).compactMap { definition.column($0) }.map { column in
            "\(q(column.name)) \(column.sqlType(dialect))\(keys.contains(column.name) ? " NOT NULL" : "")"
        }
        return "CREATE TABLE IF NOT EXISTS \(table) (\(items.joined(separator: ", ")), \(q("column_name")) VARCHAR(127) NOT NULL, "
            + "\(q("resolved")) BOOLEAN NOT NULL, PRIMARY KEY (\(SQLText.names(keys + ["column_name"], dialect))));"
    }

    private func fillTable(_ column: Column) -> String { names.temp("fill_\(definition.name)_\(column.name)") }

    /// The temp tables a load creates (dropped with the others at its end).
    var tempTables: [String] { candidates.map(fillTable) }

    /// `alias` carries `column`: not a delete, and the column not listed as unchanged.
    private func carries(_ alias: String, _ column: Column, isDelete: (String) -> String) -> String {
        "NOT \(SQLText.listNames("\(alias).\(q("_unchanged"))", column.name)) AND NOT \(isDelete(alias))"
    }

    /// For each row of `latest` that left a column unchanged: the newest carrier among `stage`'s
    /// changes and the target's value, kept in a temp table (with its ordering, or unresolved),
    /// and the row's column set from it.
    func fill(latest: String, stage: String, target: String, isDelete: (String) -> String) -> [String] {
        candidates.flatMap { column -> [String] in
            let name = q(column.name)
            let first = q(keys[0])
            let carriers = "(SELECT \(SQLText.names(keys + ordering, dialect)), \(name), ROW_NUMBER() OVER (PARTITION BY "
                + "\(SQLText.names(keys, dialect)) ORDER BY \(order.newestFirst)) AS \(q("_millrace_rank")) FROM \(stage) WHERE "
                + "\(carries(stage, column, isDelete: isDelete)))"
            // The target's value and where it came from: its own change without an entry, the
            // entry's carrier with one; an unresolved entry means the target knows no value.
            let provenance = ordering.map { "CASE WHEN f.\(first) IS NULL THEN t.\(q($0)) ELSE f.\(q($0)) END AS \(q($0))" }
            let known = "(SELECT \(SQLText.names(keys, dialect, alias: "t")), t.\(name), \(provenance.joined(separator: ", ")) FROM \(target) t "
                + "LEFT JOIN \(table) f ON \(SQLText.keysMatch(keys, "f", "t", dialect)) AND f.\(q("column_name")) = \(SQLText.literal(column.name)) "
                + "WHERE f.\(first) IS NULL OR f.\(q("resolved")))"
            let fromLoad = "o.\(first) IS NOT NULL AND (p.\(first) IS NULL OR \(order.isNewer("o", than: "p", strict: false)))"
            let chosen = ([column.name] + ordering).map { "CASE WHEN \(fromLoad) THEN o.\(q($0)) ELSE p.\(q($0)) END AS \(q($0))" }
            return [
                "CREATE TEMP TABLE \(fillTable(column)) AS SELECT \(SQLText.names(keys, dialect, alias: "l")), \(chosen.joined(separator: ", ")), "
                    + "(o.\(first) IS NOT NULL OR p.\(first) IS NOT NULL) AS \(q("resolved")) FROM \(latest) l LEFT JOIN \(carriers) o ON "
                    + "\(SQLText.keysMatch(keys, "o", "l", dialect)) AND o.\(q("_millrace_rank")) = 1 LEFT JOIN \(known) p ON "
                    + "\(SQLText.keysMatch(keys, "p", "l", dialect)) WHERE \(SQLText.listNames("l.\(q("_unchanged"))", column.name)) "
                    + "AND NOT \(isDelete("l"));",
                "UPDATE \(latest) SET \(name) = x.\(name) FROM \(fillTable(column)) x WHERE \(SQLText.keysMatch(keys, "x", latest, dialect)) "
                    + "AND x.\(q("resolved"));",
            ]
        }
    }

    /// Before the target changes: every entry of a key `latest` changes (or deletes) is gone.
    func clear(latest: String) -> [String] {
        guard !candidates.isEmpty else { return [] }
        return ["DELETE FROM \(table) USING \(latest) WHERE \(SQLText.keysMatch(keys, table, latest, dialect));"]
    }

    /// After the merge: the entries of the rows just written that left a column unchanged, then
    /// the late carriers in `stage` (older than the target's row, newer than its entry's
    /// carrier) filling the target and their entries.
    func record(stage: String, target: String, isDelete: (String) -> String) -> [String] {
        guard !candidates.isEmpty else { return [] }
        let entryColumns = keys + ["column_name"] + ordering + ["resolved"]
        let entries = candidates.map { column in
            "SELECT \(SQLText.names(keys, dialect)), \(SQLText.literal(column.name)), \(SQLText.names(ordering + ["resolved"], dialect)) "
                + "FROM \(fillTable(column))"
        }
        return ["INSERT INTO \(table) (\(SQLText.names(entryColumns, dialect))) \(entries.joined(separator: " UNION ALL "));"]
            + candidates.flatMap { column -> [String] in
                // The same late carriers twice: updating the target's value changes neither its
                // row's ordering nor the entry, so the second statement finds what the first did.
                let late = lateCarriers(column, stage: stage, target: target, isDelete: isDelete)
                return [
                    "UPDATE \(target) SET \(q(column.name)) = x.\(q(column.name)) FROM \(late) x WHERE \(SQLText.keysMatch(keys, "x", target, dialect));",
                    "UPDATE \(table) SET \(ordering.map { "\(q($0)) = x.\(q($0))" }.joined(separator: ", ")), \(q("resolved")) = TRUE FROM \(late) x "
                        + "WHERE \(SQLText.keysMatch(keys, "x", table, dialect)) AND \(table).\(q("column_name")) = \(SQLText.literal(column.name));",
                ]
            }
    }

    /// Per key, the newest change of `stage` that carried `column`, older than the target's row
    /// and newer than the carrier of the key's entry for `column` (any, when it is unresolved).
    private func lateCarriers(_ column: Column, stage: String, target: String, isDelete: (String) -> String) -> String {
        let newer = "EXISTS (SELECT 1 FROM \(target) t, \(table) f WHERE \(SQLText.keysMatch(keys, "t", "s", dialect)) AND "
            + "\(SQLText.keysMatch(keys, "f", "s", dialect)) AND f.\(q("column_name")) = \(SQLText.literal(column.name)) AND "
            + "\(order.isNewer("t", than: "s", strict: true)) AND (NOT f.\(q("resolved")) OR \(order.isNewer("s", than: "f", strict: true))))"
        return "(SELECT \(SQLText.names(keys + ordering, dialect)), \(q(column.name)) FROM (SELECT "
            + "\(SQLText.names(keys + ordering, dialect, alias: "s")), s.\(q(column.name)), ROW_NUMBER() OVER (PARTITION BY "
            + "\(SQLText.names(keys, dialect, alias: "s")) ORDER BY \(order.newestFirst)) AS \(q("_millrace_rank")) FROM \(stage) s "
            + "WHERE \(carries("s", column, isDelete: isDelete)) AND \(newer)) ranked WHERE \(q("_millrace_rank")) = 1)"
    }
}
