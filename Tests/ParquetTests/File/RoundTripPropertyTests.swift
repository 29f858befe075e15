import Foundation
import MillraceTesting
import Testing
@testable import Parquet

/// Property-based round trips: random schemas and data (see `RandomTable`) written with random
/// properties, then read by pyarrow, DuckDB and our own reader, which must all return the same
/// values, types, row groups and statistics.
///
/// Reproduce a failure with the seed it prints: `MILLRACE_PARQUET_SEED=<seed>
/// MILLRACE_PARQUET_CASES=1 swift test --filter RoundTripPropertyTests`.
@Suite("Round trips through pyarrow, DuckDB and ParquetReader")
struct RoundTripPropertyTests {
    static let environment = ProcessInfo.processInfo.environment
    static let baseSeed = environment["MILLRACE_PARQUET_SEED"].flatMap { UInt64($0) } ?? 0x2026_1125
    static let cases = environment["MILLRACE_PARQUET_CASES"].flatMap { Int($0) } ?? 40

    @Test("random tables read back identically everywhere")
    func randomTables() async throws {
        let directory = try TemporaryDirectory(prefix: "parquet-roundtrip")
        defer { directory.remove() }
        var written: [(table: RandomTable, file: TableWriter)] = []
        var specs: [ReaderOracle.FileSpec] = []
        for index in 0..<Self.cases {
            let table = RandomTable(seed: Self.baseSeed &+ UInt64(index), maxRows: index % 8 == 0 ? 25_000 : 2_500)
            let file = try TableWriter(table)
            let path = directory.path("case-\(table.seed).parquet").path
            try Data(file.bytes).write(to: URL(fileURLWithPath: path))
            written.append((table, file))
            specs.append(ReaderOracle.FileSpec(path: path, columns: table.columns.map {
                ReaderOracle.ColumnSpec(name: $0.field.name, kind: $0.kind.rawValue, scale: $0.scale)
            }))
        }
        let reports = try await ReaderOracle.read(specs, in: directory)
        try #require(reports.count == written.count)
        for ((table, file), report) in zip(written, reports) {
            ReaderOracle.expectMatches(WrittenFile(table, file), report)
            try checkOwnReader(table, file)
        }
    }

    private func checkOwnReader(_ table: RandomTable, _ file: TableWriter) throws {
        let seed = table.seed
        let reader = try ParquetReader(source: MemorySource(file.bytes))
        #expect(reader.schema == table.schema, "seed \(seed): schema")
        #expect(reader.metadata.rowGroups.map { Int($0.numRows) } == file.rowGroups, "seed \(seed): row groups")
        #expect(reader.metadata.keyValueMetadata == [KeyValue(key: "millrace.test.seed", value: String(seed))], "seed \(seed): key-value metadata")
        var read = Array(repeating: [String](), count: table.columns.count)
        for group in 0..<reader.rowGroupCount {
            let batch = try reader.readRowGroup(group)
            // The same rows a slice at a time, lockstep across columns and pages.
            let slices = try reader.slices(rowGroup: group)
            var parts: [ColumnBatch] = []
            while let slice = try slices.next(maxRows: 1 + Int(seed % 1_499)) { parts.append(slice) }
            let joined = ColumnBatch(columns: batch.columns.indices.map { index in ColumnData.concatenating(parts.map { $0.columns[index] }) })
            #expect(batch.rowCount == 0 || joined.withExplicitValidity == batch.withExplicitValidity, "seed \(seed): row group \(group) read in slices")
            for (index, column) in table.columns.enumerated() {
                read[index] += (0..<batch.rowCount).map { Canonical.value(batch.columns[index], kind: column.kind, row: $0) }
            }
        }
        for (index, column) in table.columns.enumerated() {
            let expected = (0..<table.rowCount).map { Canonical.value(column, row: $0) }
            #expect(read[index] == expected, "seed \(seed): ParquetReader column \(column.field.name)")
            let nulls = (0..<table.rowCount).filter { column.data.isNull($0) }.count
            #expect(file.summary.columns[index].nullCount == Int64(nulls), "seed \(seed): summary null count of \(column.field.name)")
        }
        #expect(file.summary.fileSize == Int64(file.bytes.count) && file.summary.rowCount == Int64(table.rowCount), "seed \(seed): summary")
    }
}
