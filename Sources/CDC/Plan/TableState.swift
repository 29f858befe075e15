import Catalog
import Parquet

/// Everything the decoder keeps for one table: its definition history, its column builders,
/// its schema cache and the plans for schemaless records and keys. Owned by one decoder,
/// confined to its thread.
final class TableState {
    let id: Int
    private(set) var history: TableHistory
    let buffer: TableBuffer
    /// Decoded column index of each source field.
    private(set) var decodedIndexByField: [String: Int] = [:]
    /// Decoded indices of the Kafka key columns.
    private(set) var keyColumns: [Int] = []
    /// Decoded indices of NOT NULL source columns.
    private(set) var notNullColumns: [Int] = []
    /// Decoded indices of the source columns that are not Kafka key columns.
    private(set) var nonKeyColumns: [Int] = []
    let schemaCache: SchemaCache
    /// Debezium's unavailable-value placeholder, recognised in the columns that can carry it.
    let unavailable: UnavailableValue?
    /// Plans built from the declaration (schemaless records, keys); rebuilt after evolution.
    var declaredPlan: RowPlan?
    var declaredEnvelopePlan: RowPlan?
    var keyPlan: RowPlan?

    init(id: Int, history: TableHistory, reserving rows: Int, maxCachedSchemas: Int, unavailable: UnavailableValue?) {
        self.id = id
        self.history = history
        self.unavailable = unavailable
        buffer = TableBuffer(fields: history.current.decodedSchema.fields, reserving: rows)
        schemaCache = SchemaCache(limit: maxCachedSchemas)
        indexColumns()
    }

    var definition: TableDefinition { history.current }

    /// Makes `change` the current version: appends builders for the added columns (null for the
    /// rows already buffered) and invalidates the declaration-based plans.
    func apply(_ change: SchemaChange) {
        history = history.appending(change.definition)
        for column in change.addedColumns {
            guard let index = change.definition.columnIndex(column.name) else { continue }
            buffer.addColumn(change.definition.stagingField(index))
        }
        indexColumns()
        declaredPlan = nil
        declaredEnvelopePlan = nil
        keyPlan = nil
    }

    private func indexColumns() {
        let definition = history.current
        decodedIndexByField = [:]
        notNullColumns = []
        for (decoded, index) in definition.decodedColumnIndices.enumerated() {
            let column = definition.columns[index]
            guard let field = column.sourceField else { continue }
            decodedIndexByField[field] = decoded
            if !column.nullable { notNullColumns.append(decoded) }
        }
        keyColumns = definition.source.keyColumns.compactMap { name in
            definition.column(name)?.sourceField.flatMap { decodedIndexByField[$0] }
        }
        nonKeyColumns = decodedIndexByField.values.filter { !keyColumns.contains($0) }.sorted()
    }
}
