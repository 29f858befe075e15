import Catalog

/// The qualified, quoted names of everything the loader touches in the warehouse schema: the
/// target tables and the loader's own tables and procedures.
struct WarehouseNames: Sendable {
    let dialect: SQLDialect
    let schema: String

    /// `"schema"."name"`.
    func qualified(_ name: String) -> String { "\(dialect.quoted(schema)).\(dialect.quoted(name))" }

    /// A target table.
    func target(_ table: String) -> String { qualified(table) }
    /// The deleted keys remembered for `table` (see `DeletedKeys`).
    func deleted(_ table: String) -> String { qualified("millrace_deleted_\(table)") }
    /// Where the unchanged TOASTed values of `table`'s rows came from (see `UnchangedColumns`).
    func unchanged(_ table: String) -> String { qualified("millrace_unchanged_\(table)") }
    /// One row per (batch, table): loaded or quarantined.
    var ledger: String { qualified("millrace_load_ledger") }
    /// One row per lease name: holder, fencing token, expiry.
    var lease: String { qualified("millrace_lease") }
    /// One row per table: "Data as of".
    var freshness: String { qualified("millrace_freshness") }
    /// One row per (table, Kafka partition): the newest source time loaded from it.
    var partitionFreshness: String { qualified("millrace_partition_freshness") }
    /// The procedure every load calls first: the lease still held, the batches not loaded yet.
    var checkProcedure: String { "\(dialect.quoted(schema)).millrace_check_load" }
    /// The procedure adding a column only when it is missing (Redshift has no IF NOT EXISTS).
    var addColumnProcedure: String { "\(dialect.quoted(schema)).millrace_add_column" }
    /// The procedure widening a VARCHAR only when it is narrower (Redshift).
    var widenVarcharProcedure: String { "\(dialect.quoted(schema)).millrace_widen_varchar" }

    /// A temp table of one load (unqualified: temp tables live in the session's own schema).
    func temp(_ name: String) -> String { dialect.quoted(name) }
}
