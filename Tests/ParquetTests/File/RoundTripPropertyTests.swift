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
            check(table, file, report)
            try checkOwnReader(table, file)
        }
    }

    private func check(_ table: RandomTable, _ file: TableWriter, _ report: ReaderOracle.Report) {
        let seed = table.seed
        let expected = table.columns.map { column in (0..<table.rowCount).map { Canonical.value(column, row: $0) } }
        for (reader, view) in [("pyarrow", report.pyarrow), ("duckdb", report.duckdb)] {
            let types = table.columns.map { reader == "pyarrow" ? $0.kind.pyarrowType($0.field) : $0.kind.duckdbType($0.field) }
            #expect(view.types == types, "seed \(seed): \(reader) types")
            #expect(view.rowGroups == file.rowGroups, "seed \(seed): \(reader) row groups")
            #expect(view.columns.count == table.columns.count, "seed \(seed): \(reader) columns")
            #expect(view.statistics.count == file.rowGroups.count, "seed \(seed): \(reader) row-group statistics")
            for (index, column) in table.columns.enumerated() where index < view.columns.count {
                let difference = zip(view.columns[index], expected[index]).enumerated().first { $0.element.0 != $0.element.1 }
                #expect(
                    view.columns[index].count == table.rowCount && difference == nil,
                    "seed \(seed): \(reader) column \(column.field.name) differs at row \(difference?.offset ?? -1): \(difference.map { "\($0.element.0) != \($0.element.1)" } ?? "count \(view.columns[index].count)")"
                )
            }
        }
        var start = 0
        for (group, rows) in file.rowGroups.enumerated() where group < report.pyarrow.statistics.count && group < report.duckdb.statistics.count {
            #expect(
                report.pyarrow.statistics[group].count == table.columns.count && report.duckdb.statistics[group].count == table.columns.count,
                "seed \(seed): row group \(group) column statistics")
            for (index, column) in table.columns.enumerated()
            where index < report.pyarrow.statistics[group].count && index < report.duckdb.statistics[group].count {
                let expected = ExpectedStatistics(column, rows: start..<start + rows)
                let arrow = report.pyarrow.statistics[group][index]
                let duck = report.duckdb.statistics[group][index]
                let place = "seed \(seed): row group \(group) column \(column.field.name)"
                #expect(arrow.nulls == expected.nullCount, "\(place): pyarrow null count")
                #expect(duck.nulls == expected.nullCount, "\(place): duckdb null count")
                let problems = expected.problems(min: arrow.min, max: arrow.max, utf8: column.kind != .binary)
                #expect(problems.isEmpty, "\(place): pyarrow statistics: \(problems)")
                if column.kind.hasIntegerBounds {
                    #expect(duck.min == expected.min && duck.max == expected.max, "\(place): duckdb bounds \(duck.min ?? "nil")...\(duck.max ?? "nil")")
                }
                if column.kind.isByteArray && expected.min != nil {
                    #expect(duck.minExact == expected.minIsExact && duck.maxExact == expected.maxIsExact, "\(place): duckdb exactness")
                }
            }
            start += rows
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
