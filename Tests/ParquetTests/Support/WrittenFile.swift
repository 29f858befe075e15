import Foundation
import MillraceTesting
import Testing
@testable import Parquet

/// A Parquet file a test wrote and what it must hold, for `ReaderOracle.check`: every row of
/// `columns`, in order, in row groups of `rowGroups` rows.
struct WrittenFile {
    /// Names the file in failure messages (and on disk).
    var name: String
    var bytes: [UInt8]
    var columns: [RandomTable.Column]
    var rowGroups: [Int]
    /// Whether the statistics are compared too (for tests about statistics).
    var checksStatistics: Bool
    /// The writer's `statisticsTruncateLength`.
    var truncateLength: Int

    /// `bytes` must hold every row of `batch` under `schema`, in the row groups our footer
    /// declares (the oracle checks the readers see the same ones).
    init(_ name: String, bytes: [UInt8], schema: Schema, batch: ColumnBatch, statistics: Bool = false, truncateLength: Int = 64) throws {
        self.name = name
        self.bytes = bytes
        columns = try zip(schema.fields, batch.columns).map { field, data in
            RandomTable.Column(field: field, kind: try #require(RandomTable.Kind(field), "\(name): no kind for column \(field.name)"), data: data)
        }
        rowGroups = try ParquetReader(source: MemorySource(bytes)).metadata.rowGroups.map { Int($0.numRows) }
        #expect(rowGroups.reduce(0, +) == batch.rowCount, "\(name): the footer's row groups hold all \(batch.rowCount) rows")
        checksStatistics = statistics
        self.truncateLength = truncateLength
    }

    /// A file of `table`, written by `file`.
    init(_ table: RandomTable, _ file: TableWriter) {
        name = "seed \(table.seed)"
        bytes = file.bytes
        columns = table.columns
        rowGroups = file.rowGroups
        checksStatistics = true
        truncateLength = table.properties.statisticsTruncateLength
    }
}

extension RandomTable.Kind {
    /// The kind whose columns look like `field`, or nil for types the writer does not accept.
    init?(_ field: Field) {
        switch (field.physicalType, field.logicalType) {
        case (.boolean, nil): self = .boolean
        case (.int32, nil): self = .rawInt32
        case (.int32, .integer(8, true)): self = .int8
        case (.int32, .integer(16, true)): self = .int16
        case (.int32, .integer(32, true)): self = .int32
        case (.int32, .date): self = .date
        case (.int32, .decimal): self = .decimal32
        case (.int64, nil): self = .rawInt64
        case (.int64, .integer(64, true)): self = .int64
        case (.int64, .timestamp(true, .micros)): self = .timestampMicros
        case (.int64, .timestamp(true, .millis)): self = .timestampMillis
        case (.int64, .decimal): self = .decimal64
        case (.float, nil): self = .float
        case (.double, nil): self = .double
        case (.byteArray, .string): self = .string
        case (.byteArray, .json): self = .json
        case (.byteArray, nil): self = .binary
        case (.fixedLenByteArray, .uuid): self = .uuid
        case (.fixedLenByteArray, .decimal): self = .decimalFixed
        case (.fixedLenByteArray, nil): self = .fixedBinary
        default: return nil
        }
    }
}

extension ReaderOracle {
    /// Writes `files` to a temporary folder, reads them all with pyarrow and DuckDB in one
    /// Python process and expects both readers to see each file's types, row groups and every
    /// value, and the statistics where the file asks for it.
    static func check(_ files: [WrittenFile]) async throws {
        let directory = try TemporaryDirectory(prefix: "parquet-oracle")
        defer { directory.remove() }
        var specs: [FileSpec] = []
        for (index, file) in files.enumerated() {
            let path = directory.path("file-\(index).parquet").path
            try Data(file.bytes).write(to: URL(fileURLWithPath: path))
            specs.append(FileSpec(path: path, columns: file.columns.map { ColumnSpec(name: $0.field.name, kind: $0.kind.rawValue, scale: $0.scale) }))
        }
        let reports = try await read(specs, in: directory)
        try #require(reports.count == files.count, "the oracle reported \(reports.count) of \(files.count) files")
        for (file, report) in zip(files, reports) { expectMatches(file, report) }
    }

    /// Expects both readers' views in `report` to agree with what `file` holds.
    static func expectMatches(_ file: WrittenFile, _ report: Report) {
        let place = file.name
        let rows = file.rowGroups.reduce(0, +)
        let expected = file.columns.map { column in (0..<rows).map { Canonical.value(column, row: $0) } }
        for (reader, view) in [("pyarrow", report.pyarrow), ("duckdb", report.duckdb)] {
            let types = file.columns.map { reader == "pyarrow" ? $0.kind.pyarrowType($0.field) : $0.kind.duckdbType($0.field) }
            #expect(view.types == types, "\(place): \(reader) types")
            #expect(view.rowGroups == file.rowGroups, "\(place): \(reader) row groups")
            #expect(view.columns.count == file.columns.count, "\(place): \(reader) columns")
            for (index, column) in file.columns.enumerated() where index < view.columns.count {
                let difference = zip(view.columns[index], expected[index]).enumerated().first { $0.element.0 != $0.element.1 }
                #expect(
                    view.columns[index].count == rows && difference == nil,
                    "\(place): \(reader) column \(column.field.name) differs at row \(difference?.offset ?? -1): \(difference.map { "\($0.element.0) != \($0.element.1)" } ?? "count \(view.columns[index].count)")"
                )
            }
        }
        guard file.checksStatistics else { return }
        #expect(report.pyarrow.statistics.count == file.rowGroups.count && report.duckdb.statistics.count == file.rowGroups.count,
                "\(place): row-group statistics")
        var start = 0
        for (group, rows) in file.rowGroups.enumerated() where group < report.pyarrow.statistics.count && group < report.duckdb.statistics.count {
            #expect(
                report.pyarrow.statistics[group].count == file.columns.count && report.duckdb.statistics[group].count == file.columns.count,
                "\(place): row group \(group) column statistics")
            for (index, column) in file.columns.enumerated()
            where index < report.pyarrow.statistics[group].count && index < report.duckdb.statistics[group].count {
                let expected = ExpectedStatistics(column, rows: start..<start + rows, truncateLength: file.truncateLength)
                let arrow = report.pyarrow.statistics[group][index]
                let duck = report.duckdb.statistics[group][index]
                let chunk = "\(place): row group \(group) column \(column.field.name)"
                #expect(arrow.nulls == expected.nullCount, "\(chunk): pyarrow null count")
                #expect(duck.nulls == expected.nullCount, "\(chunk): duckdb null count")
                let problems = expected.problems(min: arrow.min, max: arrow.max, truncateLength: file.truncateLength, utf8: [.string, .json].contains(column.kind))
                #expect(problems.isEmpty, "\(chunk): pyarrow statistics: \(problems)")
                if column.kind.hasIntegerBounds {
                    #expect(duck.min == expected.min && duck.max == expected.max, "\(chunk): duckdb bounds \(duck.min ?? "nil")...\(duck.max ?? "nil")")
                }
                if column.kind.isByteArray && expected.min != nil {
                    #expect(duck.minExact == expected.minIsExact && duck.maxExact == expected.maxIsExact, "\(chunk): duckdb exactness")
                }
            }
            start += rows
        }
    }
}
