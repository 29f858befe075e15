import Engine
import MillraceTesting
import Parquet
import Testing

@Suite("Deduplicator")
struct DeduplicatorTests {
    /// Columns: 0 entity_id, 1 version (nullable), 2 lsn (nullable), 3 partition, 4 offset.
    private func batch(_ rows: [(Int64, Int64?, Int64?, Int32, Int64)]) -> ColumnBatch {
        ColumnBatch(columns: [
            ColumnData(values: .int64(rows.map(\.0))),
            ColumnData(values: .int64(rows.map { $0.1 ?? 0 }), validity: rows.map { $0.1 != nil }),
            ColumnData(values: .int64(rows.map { $0.2 ?? 0 }), validity: rows.map { $0.2 != nil }),
            ColumnData(values: .int32(rows.map(\.3))),
            ColumnData(values: .int64(rows.map(\.4))),
        ])
    }

    private let byEntity = DedupSpec(keyColumns: [0], versionColumn: 1, lsnColumn: 2, partitionColumn: 3, offsetColumn: 4)
    private let byEntityVersion = DedupSpec(keyColumns: [0, 1], versionColumn: 1, lsnColumn: 2, partitionColumn: 3, offsetColumn: 4)

    @Test("keeps the highest version of each key")
    func highestVersion() throws {
        let result = try Deduplicator.deduplicate(
            batch([(1, 3, 30, 0, 10), (2, 1, 31, 0, 11), (1, 5, 32, 0, 12), (1, 4, 33, 0, 13)]), spec: byEntity)
        #expect(result.selection == [1, 2])
        #expect(result.duplicatesRemoved == 2)
    }

    @Test("a redelivered change (same key and version) keeps one copy, broken by LSN then offset")
    func redeliveryTieBreak() throws {
        let result = try Deduplicator.deduplicate(
            batch([(7, 2, 100, 1, 5), (7, 2, 100, 1, 9), (7, 2, 99, 1, 12)]), spec: byEntityVersion)
        #expect(result.selection == [1])
    }

    @Test("a tombstone (null version and LSN) never beats the change it follows, but stands alone")
    func tombstones() throws {
        let result = try Deduplicator.deduplicate(
            batch([(1, 4, 50, 0, 1), (1, nil, nil, 0, 2), (2, nil, nil, 0, 3)]), spec: byEntity)
        #expect(result.selection == [0, 2])
    }

    @Test("the survivor does not depend on arrival order")
    func orderIndependent() throws {
        let rows: [(Int64, Int64?, Int64?, Int32, Int64)] = [(9, 1, 10, 0, 1), (9, 8, 11, 0, 2), (9, 3, 12, 0, 3)]
        let forward = try Deduplicator.deduplicate(batch(rows), spec: byEntity).selection
        let backward = try Deduplicator.deduplicate(batch(rows.reversed()), spec: byEntity).selection
        #expect(forward == [1])
        #expect(backward == [1])
    }

    @Test("agrees with a brute-force reference on random batches", arguments: [1, 2, 3, 4, 5])
    func matchesReference(seed: UInt64) throws {
        var generator = SeededRandom(seed: seed)
        let rows: [(Int64, Int64?, Int64?, Int32, Int64)] = (0..<2000).map { index in
            let version: Int64? = generator.next() % 10 == 0 ? nil : Int64(generator.next() % 5)
            return (Int64(generator.next() % 300), version, Int64(generator.next() % 4), Int32(generator.next() % 3), Int64(index))
        }
        let result = try Deduplicator.deduplicate(batch(rows), spec: byEntity)
        // Reference: for each key, the maximum of (version, lsn, partition, offset) with nulls lowest.
        func rank(_ row: (Int64, Int64?, Int64?, Int32, Int64)) -> [Int64] {
            [row.1.map { $0 + 1 } ?? 0, row.2.map { $0 + 1 } ?? 0, Int64(row.3), row.4]
        }
        var best: [Int64: Int] = [:]
        for (index, row) in rows.enumerated() {
            if let current = best[row.0], !rank(row).lexicographicallyPrecedes(rank(rows[current])), rank(row) != rank(rows[current]) {
                best[row.0] = index
            } else if best[row.0] == nil {
                best[row.0] = index
            }
        }
        #expect(result.selection.map(Int.init) == best.values.sorted())
        #expect(result.duplicatesRemoved == rows.count - best.count)
    }

    @Test("string keys deduplicate by content")
    func stringKeys() throws {
        var keys = ByteArrayValues()
        for key in ["a", "bb", "a", "ccc", "bb"] { keys.append(Array(key.utf8)) }
        let columns = ColumnBatch(columns: [
            ColumnData(values: .byteArray(keys)),
            ColumnData(values: .int32([0, 0, 0, 0, 0])),
            ColumnData(values: .int64([1, 2, 3, 4, 5])),
        ])
        let spec = DedupSpec(keyColumns: [0], versionColumn: nil, lsnColumn: nil, partitionColumn: 1, offsetColumn: 2)
        #expect(try Deduplicator.deduplicate(columns, spec: spec).selection == [2, 3, 4])
    }

    @Test("a key column of the wrong type is a clear error, not a trap")
    func wrongType() throws {
        let columns = ColumnBatch(columns: [ColumnData(values: .double([1.0]))])
        let spec = DedupSpec(keyColumns: [0], versionColumn: nil, lsnColumn: nil, partitionColumn: 0, offsetColumn: 0)
        #expect(throws: EngineError.self) { try Deduplicator.deduplicate(columns, spec: spec) }
    }
}

