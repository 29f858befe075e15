import Catalog

/// The columns schema evolution added, applied to the target tables idempotently.
///
/// Several batches may carry the same schema change: two workers that saw the new column at the
/// same time both announce it (a batch skips only versions already committed to the staging store).
/// Every load therefore adds only what the target lacks. PostgreSQL says so with
/// `ADD COLUMN IF NOT EXISTS`. Redshift has no such clause (and no conditional DDL outside a
/// procedure), so the bootstrap creates `millrace_add_column`, a stored procedure that checks
/// `SVV_COLUMNS` before it runs the `ALTER TABLE`, and the load calls it.
struct ColumnAdditions {
    static let procedure = "millrace_add_column"

    let dialect: SQLDialect
    let schema: String

    /// Created once with the other bootstrap statements (`CREATE OR REPLACE`, so harmless again).
    func createProcedure() -> [String] {
        guard dialect == .redshift else { return [] }
        let schemaLiteral = SQLText.literal(schema)
        return [
            """
            CREATE OR REPLACE PROCEDURE \(dialect.quoted(schema)).\(Self.procedure)(p_table VARCHAR(127), p_column VARCHAR(127), p_type VARCHAR(256))
            AS $$
            BEGIN
                IF NOT EXISTS (SELECT 1 FROM svv_columns WHERE table_schema = \(schemaLiteral) AND table_name = p_table AND column_name = p_column) THEN
                    EXECUTE 'ALTER TABLE ' || quote_ident(\(schemaLiteral)) || '.' || quote_ident(p_table) || ' ADD COLUMN ' || quote_ident(p_column) || ' ' || p_type;
                END IF;
            END;
            $$ LANGUAGE plpgsql;
            """
        ]
    }

    /// The statements adding the columns that `version` of its table added after `fromVersion`.
    func add(columnsOf version: TableDefinition, after fromVersion: Int) -> [String] {
        version.columns.filter { $0.addedIn > fromVersion && $0.addedIn <= version.version }.map { column in
            guard dialect == .redshift else { return version.addColumnSQL(column, dialect: dialect, schema: schema) }
            return "CALL \(dialect.quoted(schema)).\(Self.procedure)(\(SQLText.literal(version.name)), "
                + "\(SQLText.literal(column.name)), \(SQLText.literal(column.sqlType(dialect))));"
        }
    }
}
