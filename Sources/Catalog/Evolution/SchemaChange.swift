/// One schema evolution step of a table: the version it left, the version it made, what it
/// added and the DDL the loader must run before loading files of the new version.
public struct SchemaChange: Sendable, Hashable {
    /// The table's previous definition.
    public var previous: TableDefinition
    /// The new definition (its version is `previous.version + 1`).
    public var definition: TableDefinition

    /// A change from `previous` to `definition`.
    public init(previous: TableDefinition, definition: TableDefinition) {
        self.previous = previous
        self.definition = definition
    }

    /// The table name.
    public var table: String { definition.name }
    /// The version before the change.
    public var fromVersion: Int { previous.version }
    /// The version after the change.
    public var toVersion: Int { definition.version }

    /// The columns the change appended, in order.
    public var addedColumns: [Column] {
        Array(definition.columns.dropFirst(previous.columns.count))
    }

    /// The `ALTER TABLE … ADD COLUMN` statements for the target table, one per added column.
    public func ddl(_ dialect: SQLDialect) -> [String] {
        addedColumns.map { definition.addColumnSQL($0, dialect: dialect) }
    }
}

extension TableDefinition {
    /// The next version of this table with one nullable source column appended per field of
    /// `fields` (evolution rule "added optional field"), or why the fields cannot be added:
    /// a required field without a default, a name that is not a valid column name or clashes
    /// with one, or a Connect type without a column type.
    public func addingColumns(for fields: [ConnectField]) -> Result<SchemaChange, Incompatibility> {
        var next = self
        next.version = version + 1
        for field in fields {
            if !field.schema.isOptional && field.schema.defaultValue == nil {
                return .failure(Incompatibility("new field `\(field.name)` is required without a default"))
            }
            let name = field.name.lowercased()
            guard CatalogValidator.isIdentifier(name), !name.hasPrefix("_") else {
                return .failure(Incompatibility("new field `\(field.name)` is not a valid column name"))
            }
            guard next.column(name) == nil else {
                return .failure(Incompatibility("new field `\(field.name)` clashes with column `\(name)`"))
            }
            guard let type = ColumnType.inferred(from: field.schema) else {
                return .failure(Incompatibility("new field `\(field.name)` has no column type for Connect \(field.schema.summary)"))
            }
            next.columns.append(
                Column(
                    name: name, type: type, role: .source(field: field.name, connect: field.schema), nullable: true,
                    description: "Added by schema evolution in version \(next.version).", addedIn: next.version
                )
            )
        }
        return .success(SchemaChange(previous: self, definition: next))
    }
}
