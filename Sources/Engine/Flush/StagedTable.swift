import CDC
import Catalog
import Parquet

/// A table's rows in staging layout: the decoded columns with the enrichment columns filled in,
/// in `definition.stagingSchema` order, ready for the Parquet writer.
struct StagedTable {
    let definition: TableDefinition
    let schema: Schema
    let batch: ColumnBatch
    /// Per dimension, the rows whose join key found no match.
    let missedRows: [String: [Int32]]

    /// Assembles `decoded` with enrichment columns from `dimensions` (null where a key has no row).
    init(_ decoded: DecodedBatch, dimensions: DimensionSet) throws(EngineError) {
        let definition = decoded.definition
        let decodedPosition = Dictionary(uniqueKeysWithValues: decoded.columnPositions.enumerated().map { ($1, $0) })
        let joinColumn = { (name: String) -> ColumnData? in
            definition.columnIndex(name).flatMap { decodedPosition[$0] }.map { decoded.columns.columns[$0] }
        }
        let enriched = try dimensions.enrich(definition, joinColumns: joinColumn)
        var columns: [ColumnData] = []
        for index in definition.stagedColumnIndices {
            if let position = decodedPosition[index] {
                columns.append(decoded.columns.columns[position])
            } else if let values = enriched.columns[definition.columns[index].name] {
                columns.append(values)
            } else {
                columns.append(Self.nulls(definition.stagingField(index), rows: decoded.rowCount))
            }
        }
        self.definition = definition
        self.schema = definition.stagingSchema
        self.batch = ColumnBatch(columns: columns)
        self.missedRows = enriched.missedRows
    }

    /// Enrichment misses per dimension among `selection` (the rows deduplication kept).
    func misses(in selection: [Int32]) -> [String: Int] {
        guard !missedRows.isEmpty else { return [:] }
        var kept = [Bool](repeating: false, count: batch.rowCount)
        for row in selection { kept[Int(row)] = true }
        return missedRows.mapValues { rows in rows.reduce(0) { $0 + (kept[Int($1)] ? 1 : 0) } }
    }

    /// The position of column `name` in the staged batch.
    func position(_ name: String) -> Int? {
        schema.index(of: name)
    }

    /// The dedup spec of the table, from its declared keys and the system columns.
    func dedupSpec() throws(EngineError) -> DedupSpec {
        var keys: [Int] = []
        for name in definition.keys.dedup {
            guard let position = position(name) else {
                throw EngineError(.invalidBatch, "\(definition.name): dedup key column \(name) is not staged")
            }
            keys.append(position)
        }
        guard let partition = position("_kafka_partition"), let offset = position("_kafka_offset") else {
            throw EngineError(.invalidBatch, "\(definition.name) lacks the _kafka_partition and _kafka_offset system columns")
        }
        return DedupSpec(
            keyColumns: keys, versionColumn: definition.keys.version.flatMap(position), lsnColumn: position("_lsn"),
            partitionColumn: partition, offsetColumn: offset)
    }

    /// Event-time columns in order of preference: the declared event time, then `_source_ts`.
    func eventTimeColumns() -> [Int] {
        [definition.eventTime, "_source_ts"].compactMap { $0.flatMap(position) }
    }

    /// A column of `rows` nulls shaped for `field`.
    static func nulls(_ field: Field, rows: Int) -> ColumnData {
        let values: ColumnValues
        switch field.physicalType {
        case .boolean: values = .boolean(Array(repeating: false, count: rows))
        case .int32: values = .int32(Array(repeating: 0, count: rows))
        case .int64, .int96: values = .int64(Array(repeating: 0, count: rows))
        case .float: values = .float(Array(repeating: 0, count: rows))
        case .double: values = .double(Array(repeating: 0, count: rows))
        case .byteArray: values = .byteArray(ByteArrayValues(bytes: [], offsets: Array(repeating: 0, count: rows + 1)))
        case .fixedLenByteArray:
            values = .fixedLenByteArray(FixedLenByteArrayValues(bytes: Array(repeating: 0, count: rows * field.typeLength), width: field.typeLength))
        }
        return ColumnData(values: values, validity: Array(repeating: false, count: rows))
    }
}
