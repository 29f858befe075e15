public import CDC
public import Catalog
public import Parquet

/// The dimensions the configured tables join to, with their keyed state.
///
/// Built from the enrichment columns declared in `Schemas/`: for each dimension it keeps only
/// the columns some fact table reads, keyed by the dimension key. A changelog dimension
/// (fed by a CDC topic, like `dim_entities`) is updated with `apply`; a snapshot dimension
/// (like `dim_attributes`) is replaced wholesale with `replace`.
public final class DimensionSet {
    private struct Entry {
        var state: DimensionTable
        let definition: TableDefinition
        let keyColumn: String
        let valueColumns: [String]
        var changed = false
    }

    private var entries: [String: Entry] = [:]

    /// The dimensions `tables` join to, as declared in `catalog`.
    public init(catalog: Catalog, tables: [TableDefinition]) throws(EngineError) {
        var columnsByDimension: [String: (key: String, columns: [String])] = [:]
        for table in tables {
            for enrichment in table.columns.compactMap(\.enrichment) {
                var wanted = columnsByDimension[enrichment.dimension] ?? (enrichment.dimensionKey, [])
                guard wanted.key == enrichment.dimensionKey else {
                    throw EngineError(.dimension, "\(enrichment.dimension) is joined on both \(wanted.key) and \(enrichment.dimensionKey)")
                }
                if !wanted.columns.contains(enrichment.dimensionColumn) { wanted.columns.append(enrichment.dimensionColumn) }
                columnsByDimension[enrichment.dimension] = wanted
            }
        }
        for (name, wanted) in columnsByDimension {
            guard let definition = catalog.table(name)?.current else {
                throw EngineError(.dimension, "enrichment reads dimension \(name), which Schemas/ does not declare")
            }
            var fields: [Field] = []
            for column in wanted.columns {
                guard let index = definition.columnIndex(column) else {
                    throw EngineError(.dimension, "dimension \(name) has no column \(column)")
                }
                fields.append(definition.stagingField(index))
            }
            entries[name] = Entry(
                state: DimensionTable(name: name, fields: fields), definition: definition,
                keyColumn: wanted.key, valueColumns: wanted.columns)
        }
    }

    /// The dimension names, sorted.
    public var names: [String] { entries.keys.sorted() }

    /// True when `name` is kept from a CDC topic (its definition has a topic source).
    public func isChangelog(_ name: String) -> Bool {
        entries[name]?.definition.source.topic != nil
    }

    /// The definition of dimension `name`.
    public func definition(_ name: String) -> TableDefinition? { entries[name]?.definition }

    /// Live keys of dimension `name`.
    public func count(_ name: String) -> Int { entries[name]?.state.count ?? 0 }

    /// Applies a decoded batch of a changelog dimension: the newest change per key by `_lsn`
    /// wins; deletes (`_op = d` or `_deleted`) remove the key, and a change older than the
    /// delete that arrives later (a redelivery) does not bring it back. Rows without a key are skipped.
    public func apply(_ batch: DecodedBatch) throws(EngineError) {
        let name = batch.definition.name
        guard var entry = entries.removeValue(forKey: name) else { return }
        defer { entries[name] = entry }
        let position = { (column: String) -> Int? in
            batch.definition.columnIndex(column).flatMap { batch.columnPositions.firstIndex(of: $0) }
        }
        guard let keyPosition = position(entry.keyColumn), let opPosition = position("_op"),
            let deletedPosition = position("_deleted"), let lsnPosition = position("_lsn"),
            let offsetPosition = position("_kafka_offset")
        else {
            throw EngineError(.invalidBatch, "the \(name) batch lacks its key or system columns")
        }
        let valuePositions = try entry.valueColumns.map { column throws(EngineError) -> Int in
            guard let found = position(column) else { throw EngineError(.invalidBatch, "the \(name) batch lacks \(column)") }
            return found
        }
        let columns = batch.columns.columns
        guard let keys = ColumnAccess.integer(columns[keyPosition]), let lsns = ColumnAccess.int64(columns[lsnPosition]),
            let offsets = ColumnAccess.int64(columns[offsetPosition]),
            case .byteArray(let ops) = columns[opPosition].values, case .boolean(let deleted) = columns[deletedPosition].values
        else {
            throw EngineError(.invalidBatch, "the \(name) batch has unexpected column types")
        }
        for row in 0..<batch.rowCount where columns[keyPosition].validity?[row] ?? true {
            let isDelete = deleted[row] || (ops.offsets[row + 1] > ops.offsets[row] && ops.bytes[ops.offsets[row]] == UInt8(ascii: "d"))
            let hasLSN = columns[lsnPosition].validity?[row] ?? true
            if isDelete {
                entry.state.delete(key: keys[row], rank: hasLSN ? lsns[row] : nil)
            } else {
                entry.state.upsert(
                    key: keys[row], rank: hasLSN ? lsns[row] : offsets[row], row: row, of: batch.columns,
                    columnPositions: valuePositions)
            }
        }
        entry.changed = entry.changed || batch.rowCount > 0
    }

    /// Replaces snapshot dimension `name` with the rows of `batch` (whose columns follow
    /// `schema`); rows with a null key are skipped. Returns the rows loaded.
    @discardableResult
    public func replace(_ name: String, with batch: ColumnBatch, schema: Schema) throws(EngineError) -> Int {
        guard let entry = entries[name] else { throw EngineError(.dimension, "\(name) is not a dimension of the configured tables") }
        guard let keyPosition = schema.index(of: entry.keyColumn), let keys = ColumnAccess.integer(batch.columns[keyPosition]) else {
            throw EngineError(.dimension, "the \(name) snapshot has no integer key column \(entry.keyColumn)")
        }
        let positions = try entry.valueColumns.map { column throws(EngineError) -> Int in
            guard let found = schema.index(of: column) else { throw EngineError(.dimension, "the \(name) snapshot has no column \(column)") }
            return found
        }
        var state = DimensionTable(name: name, fields: entry.state.fields)
        for row in 0..<batch.rowCount where batch.columns[keyPosition].validity?[row] ?? true {
            state.upsert(key: keys[row], rank: 0, row: row, of: batch, columnPositions: positions)
        }
        entries[name]?.state = state
        entries[name]?.changed = true
        return state.count
    }

    /// The enrichment columns of `definition` for every row of `stagedBatch` (whose columns
    /// follow `definition.stagingSchema`'s order but may hold placeholders for the enrichment
    /// columns), keyed by column name, and per dimension the rows whose key found no match (a
    /// dimension is joined on one column only, so each has one lookup).
    public func enrich(
        _ definition: TableDefinition, joinColumns: (String) -> ColumnData?
    ) throws(EngineError) -> (columns: [String: ColumnData], missedRows: [String: [Int32]]) {
        var columns: [String: ColumnData] = [:]
        var missedRows: [String: [Int32]] = [:]
        var lookups: [String: (columns: [ColumnData], missedRows: [Int32])] = [:]
        for column in definition.columns {
            guard let enrichment = column.enrichment, let entry = entries[enrichment.dimension] else { continue }
            let cacheKey = "\(enrichment.dimension)\u{0}\(enrichment.joinColumn)"
            if lookups[cacheKey] == nil {
                guard let keys = joinColumns(enrichment.joinColumn) else {
                    throw EngineError(.invalidBatch, "\(definition.name) has no join column \(enrichment.joinColumn)")
                }
                let result = entry.state.lookup(keys)
                lookups[cacheKey] = result
                missedRows[enrichment.dimension] = result.missedRows
            }
            guard let index = entry.valueColumns.firstIndex(of: enrichment.dimensionColumn), let lookup = lookups[cacheKey] else {
                continue
            }
            columns[column.name] = lookup.columns[index]
        }
        return (columns, missedRows)
    }

    /// The state of dimension `name` as a batch (key, rank, then its value columns) and its
    /// schema, for a checkpoint; nil when unchanged since the last call.
    public func takeCheckpoint(_ name: String) -> (schema: Schema, batch: ColumnBatch)? {
        guard let entry = entries[name], entry.changed, let schema = checkpointSchema(name) else { return nil }
        entries[name]?.changed = false
        let snapshot = entry.state.snapshot()
        let batch = ColumnBatch(
            columns: [ColumnData(values: .int64(snapshot.keys)), ColumnData(values: .int64(snapshot.ranks))] + snapshot.columns)
        return (schema, batch)
    }

    /// Marks dimension `name` changed again, so the next `takeCheckpoint` returns it (after a
    /// checkpoint that could not be saved).
    public func checkpointFailed(_ name: String) {
        if entries[name] != nil { entries[name]?.changed = true }
    }

    /// The schema of dimension `name`'s checkpoints: key, rank, then the columns the configured
    /// tables read. A checkpoint written under another schema cannot be restored.
    public func checkpointSchema(_ name: String) -> Schema? {
        guard let entry = entries[name] else { return nil }
        return Schema(
            [.integer(entry.keyColumn, bitWidth: 64, nullable: false), .integer("_rank", bitWidth: 64, nullable: false)]
                + entry.state.fields)
    }

    /// Restores dimension `name` from the row groups of a checkpoint written by `takeCheckpoint`.
    public func restore(_ name: String, from batches: [ColumnBatch]) throws(EngineError) {
        guard let entry = entries[name] else { return }
        var state = DimensionTable(name: name, fields: entry.state.fields)
        let positions = Array(2..<(entry.state.fields.count + 2))
        for batch in batches {
            guard batch.columns.count == entry.state.fields.count + 2, let keys = ColumnAccess.int64(batch.columns[0]),
                let ranks = ColumnAccess.int64(batch.columns[1])
            else {
                throw EngineError(.dimension, "the checkpoint of \(name) does not match its declared columns")
            }
            for row in 0..<batch.rowCount {
                state.upsert(key: keys[row], rank: ranks[row], row: row, of: batch, columnPositions: positions)
            }
        }
        entries[name]?.state = state
    }
}
