import Catalog

/// How two changes of one key are ordered, newest first, in every statement that compares them:
/// the ranking inside a load, a remembered delete against a later change, the target's row
/// against a loaded change.
///
/// The source LSN decides first when both changes have one: it is PostgreSQL's commit order,
/// so a key-only delete (whose version is NULL under REPLICA IDENTITY DEFAULT) beats an older
/// insert, and a key deleted and inserted again with its version restarted comes back. Two
/// changes with one LSN are one change delivered twice, or a tombstone and the change it
/// follows: the Kafka position orders them. The version decides only where no LSN is known. A
/// tombstone has no LSN of its own: inside a load it takes the LSN of the change before it in
/// its partition (the delete it follows), so it sorts just after that delete, and under
/// `delete.handling.mode=drop`, where the tombstone is the only delete signal, it beats the
/// insert before it.
struct ChangeOrder {
    let definition: TableDefinition
    let dialect: SQLDialect

    /// The version column, when it orders changes of one merge key (a version that is part of
    /// the merge key makes each version its own row instead).
    var version: String? {
        guard let version = definition.keys.version, !definition.keys.merge.contains(version) else { return nil }
        return version
    }

    private func q(_ name: String) -> String { dialect.quoted(name) }

    /// `ORDER BY` terms ranking the changes of one key newest first, over a relation whose
    /// `_lsn` is already the effective one.
    var newestFirst: String {
        var terms = ["\(q("_lsn")) DESC NULLS LAST"]
        if let version { terms.append("CASE WHEN \(q("_lsn")) IS NULL THEN \(q(version)) END DESC NULLS LAST") }
        terms += ["\(q("_kafka_partition")) DESC", "\(q("_kafka_offset")) DESC"]
        return terms.joined(separator: ", ")
    }

    /// The effective LSN of each staged row of `alias`: its own, else the newest LSN before it
    /// among the same key's changes in its partition.
    func effectiveLSN(_ alias: String) -> String {
        let keys = SQLText.names(definition.keys.merge, dialect, alias: alias)
        return "COALESCE(\(alias).\(q("_lsn")), MAX(\(alias).\(q("_lsn"))) OVER (PARTITION BY \(keys), \(alias).\(q("_kafka_partition")) "
            + "ORDER BY \(alias).\(q("_kafka_offset")) ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW))"
    }

    /// True when the change `left` is at least as new as (`strict`: newer than) the change
    /// `right`, by LSN when both have one, else by version when both have one; false when
    /// neither decides.
    func isNewer(_ left: String, than right: String, strict: Bool) -> String {
        let comparison = strict ? ">" : ">="
        let lsn = "\(left).\(q("_lsn"))"
        let otherLSN = "\(right).\(q("_lsn"))"
        var terms = ["(\(lsn) IS NOT NULL AND \(otherLSN) IS NOT NULL AND \(lsn) \(comparison) \(otherLSN))"]
        if let version {
            let v = "\(left).\(q(version))"
            let otherV = "\(right).\(q(version))"
            terms.append("((\(lsn) IS NULL OR \(otherLSN) IS NULL) AND \(v) IS NOT NULL AND \(otherV) IS NOT NULL AND \(v) \(comparison) \(otherV))")
        }
        return "(" + terms.joined(separator: " OR ") + ")"
    }

    /// True when `alias` carries no ordering at all (a lone tombstone: no LSN, no version).
    func isUnordered(_ alias: String) -> String {
        var terms = ["\(alias).\(q("_lsn")) IS NULL"]
        if let version { terms.append("\(alias).\(q(version)) IS NULL") }
        return "(" + terms.joined(separator: " AND ") + ")"
    }
}
