import Catalog
import Staging

/// The ledger of loads: one row per (batch, table), `loaded` or `quarantined`, and the check
/// every load runs first inside its transaction.
///
/// Redshift does not enforce primary keys, so the ledger's key cannot refuse a second load of a
/// batch by itself: `millrace_check_load` refuses it inside the load's transaction, after the
/// ledger is locked, and refuses a load whose loader no longer holds the lease (its fencing
/// token changed). Its errors start with a stable code (`MR001` lease lost, `MR002` already
/// loaded), which PostgreSQL also carries as the SQLSTATE.
struct LoadLedger {
    let names: WarehouseNames

    private var dialect: SQLDialect { names.dialect }

    /// State of a ledger row.
    static let loaded = "loaded"
    static let quarantined = "quarantined"

    /// `CREATE TABLE IF NOT EXISTS` for the ledger.
    func createTable() -> String {
        "CREATE TABLE IF NOT EXISTS \(names.ledger) (batch_id VARCHAR(64) NOT NULL, table_name VARCHAR(127) NOT NULL, "
            + "batch_tables INTEGER NOT NULL, load_id VARCHAR(64) NOT NULL, state VARCHAR(16) NOT NULL, files INTEGER NOT NULL, rows_staged BIGINT NOT NULL, "
            + "bytes_staged BIGINT NOT NULL, error VARCHAR(4096), recorded_at TIMESTAMPTZ NOT NULL, PRIMARY KEY (batch_id, table_name));"
    }

    /// The check procedure (`CREATE OR REPLACE`, so harmless again).
    func createCheckProcedure() -> String {
        // PostgreSQL carries the code as the SQLSTATE too; Redshift's RAISE has no USING clause.
        let leaseCode = dialect == .postgres ? " USING ERRCODE = 'MR001'" : ""
        let loadedCode = dialect == .postgres ? " USING ERRCODE = 'MR002'" : ""
        return """
            CREATE OR REPLACE PROCEDURE \(names.checkProcedure)(p_lease VARCHAR(128), p_token BIGINT, p_table VARCHAR(127), p_batches VARCHAR(65535))
            AS $$
            DECLARE
                v_token BIGINT;
                v_loaded INTEGER;
            BEGIN
                SELECT token INTO v_token FROM \(names.lease) WHERE name = p_lease;
                IF v_token IS NULL OR v_token <> p_token THEN
                    RAISE EXCEPTION 'MR001 lease lost: lease % has token %, not %; another loader took it, so this load is not committed', p_lease, v_token, p_token\(leaseCode);
                END IF;
                SELECT COUNT(*) INTO v_loaded FROM \(names.ledger) WHERE table_name = p_table AND state = 'loaded' AND STRPOS(p_batches, ',' || batch_id || ',') > 0;
                IF v_loaded > 0 THEN
                    RAISE EXCEPTION 'MR002 already loaded: % of the batches of this load are in the ledger for %; nothing is loaded twice', v_loaded, p_table\(loadedCode);
                END IF;
            END;
            $$ LANGUAGE plpgsql;
            """
    }

    /// Serialises loads: the transaction holds the ledger until it commits.
    func lock() -> String {
        dialect == .redshift ? "LOCK \(names.ledger);" : "LOCK TABLE \(names.ledger) IN EXCLUSIVE MODE;"
    }

    /// The check of a load of `batches` into `table` by the holder of `lease`.
    func check(lease: LeaseGrant, table: String, batches: [BatchID]) -> String {
        "CALL \(names.checkProcedure)(\(SQLText.literal(lease.name)), \(lease.token), \(SQLText.literal(table)), "
            + "\(SQLText.commaList(batches.map(\.rawValue))));"
    }

    /// The ledger rows of `records` for `table` in `state`, replacing quarantined rows of the same
    /// batches (a retried quarantine becomes loaded; a quarantine recorded again is updated).
    /// `tables` says how many tables each batch touches in all: a batch is done once that many
    /// of its rows say `loaded`.
    func record(
        _ records: [CommitRecord], tables: (CommitRecord) -> Int, table: String, loadID: String, state: String, error: String? = nil
    ) -> [String] {
        let ids = records.map(\.batchID.rawValue)
        let rows = records.map { record in
            let files = record.files.filter { $0.table == table }
            let errorText = error.map { SQLText.literal(String($0.prefix(4000))) } ?? "NULL"
            return "(\(SQLText.literal(record.batchID.rawValue)), \(SQLText.literal(table)), \(tables(record)), \(SQLText.literal(loadID)), "
                + "\(SQLText.literal(state)), \(files.count), \(files.reduce(0) { $0 + $1.rows }), \(files.reduce(Int64(0)) { $0 + $1.bytes }), "
                + "\(errorText), CURRENT_TIMESTAMP)"
        }
        return [
            "DELETE FROM \(names.ledger) WHERE table_name = \(SQLText.literal(table)) AND state = \(SQLText.literal(Self.quarantined)) "
                + "AND batch_id IN \(SQLText.inList(ids));",
            "INSERT INTO \(names.ledger) (batch_id, table_name, batch_tables, load_id, state, files, rows_staged, bytes_staged, error, recorded_at) VALUES "
                + rows.joined(separator: ", ") + ";",
        ]
    }

    /// The ledger rows of batches from `oldest` on (ids sort by creation time): batch, table,
    /// state, the batch's table count.
    func rows(from oldest: BatchID?) -> String {
        let since = oldest.map { " WHERE batch_id >= \(SQLText.literal($0.rawValue))" } ?? ""
        return "SELECT batch_id, table_name, state, CAST(batch_tables AS VARCHAR(12)) FROM \(names.ledger)\(since);"
    }

    /// The quarantined rows: batch, table, error.
    func quarantinedRows() -> String {
        "SELECT batch_id, table_name, error FROM \(names.ledger) WHERE state = \(SQLText.literal(Self.quarantined)) ORDER BY batch_id, table_name;"
    }
}
