import Catalog
import Staging

/// The ledger of loaded batches and the freshness row ("Data as of 17:42 UTC").
///
/// The ledger's primary key is the batch id: inserting a batch twice fails the transaction in
/// PostgreSQL; Redshift does not enforce keys, so its loader checks the ledger under the
/// table lock before loading. Freshness only moves forward.
struct LoadLedger {
    static let ledgerTable = "millrace_load_ledger"
    static let freshnessTable = "millrace_freshness"

    let dialect: SQLDialect
    let schema: String
    let pipeline: String

    private func table(_ name: String) -> String { "\(dialect.quoted(schema)).\(dialect.quoted(name))" }

    /// `CREATE TABLE IF NOT EXISTS` for the ledger and the freshness table.
    func createTables() -> [String] {
        [
            "CREATE TABLE IF NOT EXISTS \(table(Self.ledgerTable)) (batch_id VARCHAR(64) NOT NULL PRIMARY KEY, load_id VARCHAR(64) NOT NULL, "
                + "files INTEGER NOT NULL, rows_loaded BIGINT NOT NULL, bytes_loaded BIGINT NOT NULL, data_as_of TIMESTAMPTZ, "
                + "loaded_at TIMESTAMPTZ NOT NULL);",
            "CREATE TABLE IF NOT EXISTS \(table(Self.freshnessTable)) (pipeline VARCHAR(128) NOT NULL PRIMARY KEY, "
                + "data_as_of TIMESTAMPTZ NOT NULL, loaded_at TIMESTAMPTZ NOT NULL);",
        ]
    }

    /// Serialises loaders: the transaction holds the ledger until it commits.
    func lock() -> String {
        dialect == .redshift ? "LOCK \(table(Self.ledgerTable));" : "LOCK TABLE \(table(Self.ledgerTable)) IN EXCLUSIVE MODE;"
    }

    /// Records `records` as loaded by `loadID` and moves freshness forward.
    func record(_ records: [CommitRecord], loadID: String) -> [String] {
        let rows = records.map { record in
            let files = record.files
            let dataAsOf = record.stats.sourceTimeMillis.map { SQLText.timestamp(millis: $0) } ?? "NULL"
            return "(\(SQLText.literal(record.batchID.rawValue)), \(SQLText.literal(loadID)), \(files.count), "
                + "\(files.reduce(0) { $0 + $1.rows }), \(files.reduce(Int64(0)) { $0 + $1.bytes }), \(dataAsOf), CURRENT_TIMESTAMP)"
        }
        var statements = [
            "INSERT INTO \(table(Self.ledgerTable)) (batch_id, load_id, files, rows_loaded, bytes_loaded, data_as_of, loaded_at) VALUES "
                + rows.joined(separator: ", ") + ";"
        ]
        if let newest = records.compactMap(\.stats.sourceTimeMillis).max() {
            let asOf = SQLText.timestamp(millis: newest)
            let name = SQLText.literal(pipeline)
            statements += [
                "UPDATE \(table(Self.freshnessTable)) SET data_as_of = GREATEST(data_as_of, \(asOf)), loaded_at = CURRENT_TIMESTAMP "
                    + "WHERE pipeline = \(name);",
                "INSERT INTO \(table(Self.freshnessTable)) (pipeline, data_as_of, loaded_at) SELECT \(name), \(asOf), CURRENT_TIMESTAMP "
                    + "WHERE NOT EXISTS (SELECT 1 FROM \(table(Self.freshnessTable)) WHERE pipeline = \(name));",
            ]
        }
        return statements
    }
}
