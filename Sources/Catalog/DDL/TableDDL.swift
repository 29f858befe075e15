/// SQL statements generated from table definitions: the warehouse target tables
/// (`millrace schemas ddl`), the loader's staging tables, and evolution's `ADD COLUMN`.
extension SQLDialect {
    /// `name` as a quoted identifier. Generated SQL always quotes, so a column named like a
    /// reserved word (`value`, `timestamp`) is still valid in both dialects.
    public func quoted(_ name: String) -> String {
        "\"" + name.replacingDoubleQuotes() + "\""
    }
}

extension TableDefinition {
    /// `CREATE TABLE IF NOT EXISTS` for the warehouse target table: `targetColumns`, NOT NULL
    /// where declared, the merge key as PRIMARY KEY (informational in Redshift, enforced in
    /// PostgreSQL where the merge relies on it), and for Redshift DISTSTYLE, DISTKEY and
    /// SORTKEY. PostgreSQL gets an index on the sort key instead. The table is qualified by
    /// `schema` when given.
    public func createTableSQL(_ dialect: SQLDialect, schema: String? = nil) -> String {
        createTableStatements(dialect, schema: schema).joined(separator: "\n")
    }

    /// The statements of `createTableSQL`, one per element (for a client that sends one
    /// statement at a time).
    public func createTableStatements(_ dialect: SQLDialect, schema: String? = nil) -> [String] {
        let table = (schema.map { dialect.quoted($0) + "." } ?? "") + dialect.quoted(name)
        var lines: [String] = []
        if let description { lines.append("-- \(name): \(description.singleLine)") }
        lines.append("CREATE TABLE IF NOT EXISTS \(table) (")
        var items = targetColumns.map { column in
            "    \(dialect.quoted(column.name)) \(column.sqlType(dialect))\(column.nullable ? "" : " NOT NULL")"
        }
        items.append("    PRIMARY KEY (\(keys.merge.map(dialect.quoted).joined(separator: ", ")))")
        lines.append(items.joined(separator: ",\n"))
        var tail = ")"
        if dialect == .redshift {
            tail += "\nDISTSTYLE \(distribution.style.description.uppercased())"
            if let key = distribution.key { tail += "\nDISTKEY (\(dialect.quoted(key)))" }
            if !distribution.sortKey.isEmpty {
                tail += "\nCOMPOUND SORTKEY (\(distribution.sortKey.map(dialect.quoted).joined(separator: ", ")))"
            }
        }
        lines.append(tail + ";")
        var statements = [lines.joined(separator: "\n")]
        if dialect == .postgres && !distribution.sortKey.isEmpty {
            let index = dialect.quoted("\(name)_\(distribution.sortKey.joined(separator: "_"))_idx")
            statements.append(
                "CREATE INDEX IF NOT EXISTS \(index) ON \(table) (\(distribution.sortKey.map(dialect.quoted).joined(separator: ", ")));"
            )
        }
        return statements
    }

    /// `CREATE TEMP TABLE` for a staging table named `stagingName` whose columns are exactly
    /// the staged Parquet file's, in order (COPY matches Parquet columns by position), all
    /// nullable so that COPY never fails on a constraint.
    public func stagingTableSQL(named stagingName: String, dialect: SQLDialect) -> String {
        let columnLines = stagedColumnIndices.map { index in
            "    \(dialect.quoted(columns[index].name)) \(columns[index].sqlType(dialect))"
        }
        return "CREATE TEMP TABLE \(dialect.quoted(stagingName)) (\n\(columnLines.joined(separator: ",\n"))\n);"
    }

    /// `ALTER TABLE … ADD COLUMN` for `column` on the target table, qualified by `schema` when
    /// given. PostgreSQL gets `IF NOT EXISTS`, so running it twice is harmless. Redshift has no
    /// such clause: there the statement fails when the column exists, so the load plan runs it
    /// through a procedure that looks the column up in `SVV_COLUMNS` first
    /// (`Warehouse.ColumnAdditions`); the commit records carry this form for operators.
    public func addColumnSQL(_ column: Column, dialect: SQLDialect, schema: String? = nil) -> String {
        let guardClause = dialect == .postgres ? "IF NOT EXISTS " : ""
        let table = (schema.map { dialect.quoted($0) + "." } ?? "") + dialect.quoted(name)
        return "ALTER TABLE \(table) ADD COLUMN \(guardClause)\(dialect.quoted(column.name)) \(column.sqlType(dialect));"
    }
}

extension Catalog {
    /// The target tables' `CREATE TABLE` statements, dimensions first so that a reader sees
    /// what facts join to; each table at its current version.
    public func createTablesSQL(_ dialect: SQLDialect) -> String {
        let ordered = tables.sorted { lhs, rhs in
            let left = lhs.current.distribution.style == .all ? 0 : 1
            let right = rhs.current.distribution.style == .all ? 0 : 1
            return left != right ? left < right : lhs.name < rhs.name
        }
        return ordered.map { $0.current.createTableSQL(dialect) }.joined(separator: "\n\n") + "\n"
    }
}

extension String {
    /// The text with `"` doubled, for a quoted SQL identifier.
    fileprivate func replacingDoubleQuotes() -> String {
        var out = ""
        for character in self {
            out.append(character)
            if character == "\"" { out.append("\"") }
        }
        return out
    }

    /// The text on one line (newlines become spaces), for SQL comments.
    fileprivate var singleLine: String {
        String(map { $0 == "\n" || $0 == "\r" ? " " : $0 })
    }
}
