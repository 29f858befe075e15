import Catalog

/// Brings a target table to the newest version the catalog declares, idempotently: creates it
/// when missing, adds the columns evolution added, widens the columns a later version widened
/// (a longer VARCHAR, more DECIMAL digits at the same scale).
///
/// The statements run before a table's load, each on its own, outside the load's transaction
/// (Redshift cannot alter a column's type inside a transaction block), and may run again any
/// number of times. PostgreSQL says so itself (`ADD COLUMN IF NOT EXISTS`; `ALTER COLUMN …
/// TYPE` to the type a column already has changes nothing). Redshift has neither form, so the
/// bootstrap creates procedures that look the column up in `SVV_COLUMNS` first.
struct SchemaSync {
    let names: WarehouseNames

    private var dialect: SQLDialect { names.dialect }
    private var schemaLiteral: String { SQLText.literal(names.schema) }
    private var schemaIdent: String { "quote_ident(\(schemaLiteral))" }

    /// The Redshift procedures (none for PostgreSQL).
    func createProcedures() -> [String] {
        guard dialect == .redshift else { return [] }
        func lookup(_ attribute: String, into variable: String) -> String {
            "SELECT \(attribute) INTO \(variable) FROM svv_columns WHERE table_schema = \(schemaLiteral) AND table_name = p_table AND column_name = p_column;"
        }
        let table = "'ALTER TABLE ' || \(schemaIdent) || '.' || quote_ident(p_table)"
        return [
            """
            CREATE OR REPLACE PROCEDURE \(names.addColumnProcedure)(p_table VARCHAR(127), p_column VARCHAR(127), p_type VARCHAR(256))
            AS $$
            BEGIN
                IF NOT EXISTS (SELECT 1 FROM svv_columns WHERE table_schema = \(schemaLiteral) AND table_name = p_table AND column_name = p_column) THEN
                    EXECUTE \(table) || ' ADD COLUMN ' || quote_ident(p_column) || ' ' || p_type;
                END IF;
            END;
            $$ LANGUAGE plpgsql;
            """,
            """
            CREATE OR REPLACE PROCEDURE \(names.widenVarcharProcedure)(p_table VARCHAR(127), p_column VARCHAR(127), p_length INTEGER)
            AS $$
            DECLARE
                v_length INTEGER;
            BEGIN
                \(lookup("character_maximum_length", into: "v_length"))
                IF v_length IS NOT NULL AND v_length < p_length THEN
                    EXECUTE \(table) || ' ALTER COLUMN ' || quote_ident(p_column) || ' TYPE VARCHAR(' || p_length || ')';
                END IF;
            END;
            $$ LANGUAGE plpgsql;
            """,
            """
            CREATE OR REPLACE PROCEDURE \(names.qualifiedProcedure("millrace_widen_decimal"))(p_table VARCHAR(127), p_column VARCHAR(127), p_precision INTEGER, p_scale INTEGER)
            AS $$
            DECLARE
                v_precision INTEGER;
            BEGIN
                \(lookup("numeric_precision", into: "v_precision"))
                IF v_precision IS NOT NULL AND v_precision < p_precision THEN
                    -- Redshift cannot change a DECIMAL's precision in place: copy into a wider column.
                    EXECUTE \(table) || ' ADD COLUMN millrace_widening DECIMAL(' || p_precision || ',' || p_scale || ')';
                    EXECUTE 'UPDATE ' || \(schemaIdent) || '.' || quote_ident(p_table) || ' SET millrace_widening = ' || quote_ident(p_column);
                    EXECUTE \(table) || ' DROP COLUMN ' || quote_ident(p_column);
                    EXECUTE \(table) || ' RENAME COLUMN millrace_widening TO ' || quote_ident(p_column);
                END IF;
            END;
            $$ LANGUAGE plpgsql;
            """,
        ]
    }

    /// The statements bringing the target of `history` to its newest version.
    func statements(_ history: TableHistory) throws(WarehouseError) -> [String] {
        let newest = history.current
        var statements = newest.createTableStatements(dialect, schema: names.schema)
        let first = history.versions[0]
        for column in newest.targetColumns {
            let table = SQLText.literal(newest.name)
            let name = SQLText.literal(column.name)
            if column.addedIn > first.version {
                statements.append(dialect == .redshift
                    ? "CALL \(names.addColumnProcedure)(\(table), \(name), \(SQLText.literal(column.sqlType(dialect))));"
                    : newest.addColumnSQL(column, dialect: dialect, schema: names.schema))
            }
            guard let original = first.column(column.name), original.type != column.type else { continue }
            let alter = "ALTER TABLE \(names.target(newest.name)) ALTER COLUMN \(dialect.quoted(column.name)) TYPE \(column.sqlType(dialect));"
            switch (dialect, column.type) {
            case (.postgres, _):
                statements.append(alter)
            case (_, .varchar(let length)):
                statements.append("CALL \(names.widenVarcharProcedure)(\(table), \(name), \(length));")
            case (_, .decimal(let precision, let scale)):
                let keyed = newest.keys.merge + newest.distribution.sortKey + (newest.distribution.key.map { [$0] } ?? [])
                guard !keyed.contains(column.name) else {
                    throw WarehouseError(.unsupportedChange, "\(newest.name).\(column.name) widens to \(column.type), but Redshift cannot change "
                        + "the type of a key, DISTKEY or SORTKEY column in place; widen it by hand (deep copy into a new table)")
                }
                statements.append("CALL \(names.qualifiedProcedure("millrace_widen_decimal"))(\(table), \(name), \(precision), \(scale));")
            default:
                throw WarehouseError(.unsupportedChange, "\(newest.name).\(column.name) changes from \(original.type) to \(column.type), "
                    + "which the loader cannot apply to an existing Redshift table")
            }
        }
        return statements
    }
}

extension WarehouseNames {
    /// A procedure of the loader's schema.
    func qualifiedProcedure(_ name: String) -> String { "\(dialect.quoted(schema)).\(name)" }
}
