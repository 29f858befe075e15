import Parquet

/// The column builders of one table: one `ColumnStore` per decoded column (system columns
/// first, then source columns in staging order), all with `rowCount` rows between messages.
///
/// Stores live in manually managed memory so that the hot path reaches them through a plain
/// pointer: no array copy-on-write or exclusivity checks per value.
final class TableBuffer {
    private(set) var stores: UnsafeMutablePointer<ColumnStore>
    private(set) var columnCount: Int
    private var capacity: Int
    /// Rows complete in every store.
    var rowCount = 0
    /// Rows to reserve after a batch is taken (the size of the last batch).
    private var reserveRows: Int

    init(fields: [Field], reserving rows: Int) {
        capacity = max(fields.count * 2, 16)
        stores = UnsafeMutablePointer<ColumnStore>.allocate(capacity: capacity)
        columnCount = 0
        reserveRows = rows
        for field in fields { addColumn(field) }
    }

    deinit {
        stores.deinitialize(count: columnCount)
        stores.deallocate()
    }

    /// Appends a column for `field`, back-filled with nulls for the rows already buffered
    /// (rows decoded before a schema change added it).
    func addColumn(_ field: Field) {
        if columnCount == capacity {
            let bigger = UnsafeMutablePointer<ColumnStore>.allocate(capacity: capacity * 2)
            bigger.moveInitialize(from: stores, count: columnCount)
            stores.deallocate()
            stores = bigger
            capacity *= 2
        }
        var store = ColumnStore(storage: ColumnStore.storage(for: field), reserving: reserveRows)
        store.appendNulls(rowCount)
        (stores + columnCount).initialize(to: store)
        columnCount += 1
    }

    /// Ends row `rowCount` for the stores from `first` on that the record did not fill: each
    /// gets a null. Does not count the row.
    func fillMissing(from first: Int) {
        let row = rowCount
        for index in first..<columnCount where stores[index].count == row {
            stores[index].appendNull()
        }
    }

    /// The first of `columns` whose value in row `rowCount` is null, or nil.
    func firstNull(among columns: [Int]) -> Int? {
        let row = rowCount
        return columns.first { stores[$0].isNull(row) }
    }

    /// Drops everything appended after row `rows` in every store (a failed row's partial values).
    func rollBack(to rows: Int) {
        for index in 0..<columnCount { stores[index].truncate(to: rows) }
        rowCount = rows
    }

    /// Moves every column out as a batch and starts empty.
    func take() -> ColumnBatch {
        let rows = rowCount
        reserveRows = max(rows, 1024)
        var columns: [ColumnData] = []
        columns.reserveCapacity(columnCount)
        for index in 0..<columnCount { columns.append(stores[index].take(reserving: reserveRows)) }
        rowCount = 0
        return ColumnBatch(columns: columns)
    }

    /// Bytes buffered (approximate).
    var byteCount: Int {
        var total = 0
        for index in 0..<columnCount { total += stores[index].byteCount }
        return total
    }
}
