import Engine
import Parquet
import Testing

@Suite("Dimension state")
struct DimensionTableTests {
    private func rows(_ values: [(Int64, String?, Int32)]) -> ColumnBatch {
        var names = ByteArrayValues()
        for value in values { if let name = value.1 { names.append(Array(name.utf8)) } else { names.appendEmpty() } }
        return ColumnBatch(columns: [
            ColumnData(values: .int64(values.map(\.0))),
            ColumnData(values: .byteArray(names), validity: values.map { $0.1 != nil }),
            ColumnData(values: .int32(values.map(\.2))),
        ])
    }

    private func strings(_ column: ColumnData) -> [String?] {
        guard case .byteArray(let values) = column.values else { return [] }
        return (0..<values.count).map { row in
            (column.validity?[row] ?? true)
                ? String(decoding: values.bytes[values.offsets[row]..<values.offsets[row + 1]], as: UTF8.self) : nil
        }
    }

    @Test("upserts keep the newest change by rank, deletes remove, misses are null and counted")
    func changelog() throws {
        var dimension = DimensionTable(name: "dim_entities", fields: [.string("status"), .integer("kind", bitWidth: 32)])
        let batch = rows([(1, "active", 10), (2, "new", 20), (1, "stale", 11), (3, nil, 30)])
        dimension.upsert(key: 1, rank: 5, row: 0, of: batch, columnPositions: [1, 2])
        dimension.upsert(key: 2, rank: 1, row: 1, of: batch, columnPositions: [1, 2])
        dimension.upsert(key: 1, rank: 4, row: 2, of: batch, columnPositions: [1, 2])  // older: ignored
        dimension.upsert(key: 3, rank: 1, row: 3, of: batch, columnPositions: [1, 2])
        dimension.delete(key: 2)
        #expect(dimension.count == 2)
        let lookup = dimension.lookup(ColumnData(values: .int64([1, 2, 3, 9, 1]), validity: [true, true, true, true, false]))
        #expect(strings(lookup.columns[0]) == ["active", nil, nil, nil, nil])
        guard case .int32(let kinds) = lookup.columns[1].values else { Issue.record("kind is not INT32"); return }
        #expect(kinds[0] == 10 && kinds[2] == 30)
        #expect(lookup.columns[1].validity == [true, false, true, false, false])
        #expect(lookup.missedRows == [1, 3])  // keys 2 (deleted) and 9; the null key is not a lookup
    }

    @Test("a change older than a delete, redelivered after it, does not bring the key back; a newer one does")
    func deleteThenRedelivery() {
        var dimension = DimensionTable(name: "dim_entities", fields: [.string("status")])
        let batch = rows([(1, "active", 0), (1, "revived", 0), (1, "reinserted", 0)])
        dimension.upsert(key: 1, rank: 10, row: 0, of: batch, columnPositions: [1])
        dimension.delete(key: 1, rank: 20)
        dimension.delete(key: 1)  // its tombstone, which has no rank
        dimension.upsert(key: 1, rank: 10, row: 1, of: batch, columnPositions: [1])  // the redelivered change
        #expect(dimension.count == 0)
        dimension.upsert(key: 1, rank: 30, row: 2, of: batch, columnPositions: [1])
        #expect(strings(dimension.lookup(ColumnData(values: .int64([1]))).columns[0]) == ["reinserted"])
        // A delete older than the stored change is itself stale.
        dimension.delete(key: 1, rank: 25)
        #expect(dimension.count == 1)
    }

    @Test("delete ranks are bounded: the most recent deletes are remembered, the oldest forgotten")
    func boundedDeleteRanks() {
        var dimension = DimensionTable(name: "dim_entities", fields: [.string("status")])
        let batch = rows([(1, "x", 0)])
        let deletes = 2 * DimensionTable.rememberedDeletes + 1
        for key in 0..<Int64(deletes) { dimension.delete(key: key, rank: key + 1_000) }
        dimension.upsert(key: Int64(deletes - 1), rank: 5, row: 0, of: batch, columnPositions: [1])
        #expect(dimension.count == 0, "a recent delete was forgotten")
        dimension.upsert(key: 0, rank: 5, row: 0, of: batch, columnPositions: [1])
        #expect(dimension.count == 1, "the oldest delete ranks should have been dropped")
    }

    @Test("a freed slot is reused without leaking the old value")
    func slotReuse() {
        var dimension = DimensionTable(name: "d", fields: [.string("name")])
        let batch = rows([(1, "first", 0), (2, nil, 0)])
        dimension.upsert(key: 1, rank: 1, row: 0, of: batch, columnPositions: [1])
        dimension.delete(key: 1)
        dimension.upsert(key: 2, rank: 1, row: 1, of: batch, columnPositions: [1])
        #expect(strings(dimension.lookup(ColumnData(values: .int64([2, 1]))).columns[0]) == [nil, nil])
        let snapshot = dimension.snapshot()
        #expect(snapshot.keys == [2])
        #expect(snapshot.ranks == [1])
    }

    @Test("keys spanning the whole Int64 range are looked up without overflow")
    func extremeKeys() {
        var dimension = DimensionTable(name: "d", fields: [.string("name")])
        let batch = rows([(Int64.min, "min", 0), (-1, "minus one", 0), (Int64.max, "max", 0)])
        for row in 0..<3 {
            guard case .int64(let keys) = batch.columns[0].values else { return }
            dimension.upsert(key: keys[row], rank: 1, row: row, of: batch, columnPositions: [1])
        }
        let lookup = dimension.lookup(ColumnData(values: .int64([Int64.max, Int64.min, -1, 0, Int64.max - 1])))
        #expect(strings(lookup.columns[0]) == ["max", "min", "minus one", nil, nil])
        #expect(lookup.missedRows == [3, 4])
    }
}
