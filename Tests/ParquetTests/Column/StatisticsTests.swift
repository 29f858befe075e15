import Foundation
import MillraceTesting
import Testing
@testable import Parquet

/// Statistics: truncation of long byte-array bounds, and sort orders. Every file written here
/// is also read by pyarrow and DuckDB, statistics included (`independentReaders`).
@Suite("Statistics")
struct StatisticsTests {
    /// Writes `batch` and returns the file and the footer's chunks of row group 0.
    static func write(_ name: String, _ schema: Schema, _ batch: ColumnBatch, properties: WriterProperties = WriterProperties()) throws
        -> (file: WrittenFile, summary: FileSummary)
    {
        let sink = MemorySink()
        let writer = try ParquetWriter(schema: schema, sink: sink, properties: properties)
        try writer.append(batch)
        let summary = try writer.close()
        let file = try WrittenFile(name, bytes: sink.bytes, schema: schema, batch: batch, statistics: true, truncateLength: properties.statisticsTruncateLength)
        return (file, summary)
    }

    /// The rows of parquet-testing's binary_truncated_min_max.parquet (README, "Binary truncated
    /// min and max statistics") in six columns, written with a truncation length of 2.
    static func parquetRsRows() throws -> (file: WrittenFile, summary: FileSummary) {
        let names = ["Blart Versenwald III", "Alice Johnson", "Bob Smith", "Charlie Brown", "Diana Prince", "Edward Norton",
                     "Fiona Apple", "George Lucas", "Helen Keller", "Ivan Drago", "Julia Roberts", "Kevin Bacon"]
        let columns: [[UInt8]] = names.map { Array($0.utf8) }
        func column(_ rows: [[UInt8]]) -> ColumnData {
            var values = ByteArrayValues()
            for row in rows { values.append(row) }
            return ColumnData(values: .byteArray(values))
        }
        var partialUTF8 = columns
        partialUTF8[11] = Array("🚀Kevin Bacon".utf8)
        var partialBinary = columns
        partialBinary[11] = [0xFF, 0xFF, 0x01, 0x02]
        var short = columns
        short[1] = Array("Al".utf8)
        short[11] = Array("Ke".utf8)
        let schema = Schema([
            .string("utf8_full", nullable: false), .binary("binary_full", nullable: false),
            .string("utf8_partial", nullable: false), .binary("binary_partial", nullable: false),
            .string("utf8_no", nullable: false), .binary("binary_no", nullable: false),
        ])
        var properties = WriterProperties()
        properties.statisticsTruncateLength = 2
        let batch = ColumnBatch(columns: [column(columns), column(columns), column(partialUTF8), column(partialBinary), column(short), column(short)])
        return try write("parquet-rs truncation rows", schema, batch, properties: properties)
    }

    /// The rows above must give the bounds parquet-rs wrote and the README documents: an
    /// independent implementation's answer.
    @Test("truncating to 2 bytes reproduces parquet-rs's documented bounds")
    func parquetRsTruncation() throws {
        let chunks = try Self.parquetRsRows().summary.metadata.rowGroups[0].columns
        let documented: [(min: [UInt8], minExact: Bool, max: [UInt8], maxExact: Bool)] = [
            (Array("Al".utf8), false, Array("Kf".utf8), false), ([0x41, 0x6C], false, [0x4B, 0x66], false),
            (Array("Al".utf8), false, Array("🚀Kevin Bacon".utf8), true), ([0x41, 0x6C], false, [0xFF, 0xFF, 0x01, 0x02], true),
            (Array("Al".utf8), true, Array("Ke".utf8), true), ([0x41, 0x6C], true, [0x4B, 0x65], true),
        ]
        for (index, expected) in documented.enumerated() {
            let statistics = try #require(chunks[index].statistics)
            #expect(statistics.minValue == expected.min && statistics.isMinValueExact == expected.minExact, "column \(index)")
            #expect(statistics.maxValue == expected.max && statistics.isMaxValueExact == expected.maxExact, "column \(index)")
        }
    }

    @Test("UTF-8 truncation never splits a character and increments the last one")
    func utf8Truncation() {
        let value = Array("aé日🚀".utf8)  // 1 + 2 + 3 + 4 bytes
        #expect(StatisticsTruncation.minimum(value, limit: 4, utf8: true) == (Array("aé".utf8), false))
        #expect(StatisticsTruncation.maximum(value, limit: 4, utf8: true) == (Array("aê".utf8), false))
        // U+007F grows to two bytes when incremented; the limit then moves the increment left.
        #expect(StatisticsTruncation.maximum(Array("ab\u{7F}x".utf8), limit: 3, utf8: true) == (Array("ac".utf8), false))
        // U+D7FF increments past the surrogates to U+E000.
        #expect(StatisticsTruncation.maximum(Array("\u{D7FF}xyz".utf8), limit: 3, utf8: true) == (Array("\u{E000}".utf8), false))
        // Nothing above U+10FFFF: the value stays whole and exact.
        let top = Array(String(repeating: "\u{10FFFF}", count: 3).utf8)
        #expect(StatisticsTruncation.maximum(top, limit: 8, utf8: true) == (top, true))
        #expect(StatisticsTruncation.maximum(Array("abc".utf8), limit: 3, utf8: true) == (Array("abc".utf8), true))
    }

    @Test("binary truncation increments the last byte below 0xFF")
    func binaryTruncation() {
        #expect(StatisticsTruncation.maximum([1, 2, 0xFF, 4], limit: 3, utf8: false) == ([1, 3], false))
        #expect(StatisticsTruncation.maximum([0xFF, 0xFF, 9], limit: 2, utf8: false) == ([0xFF, 0xFF, 9], true))
        #expect(StatisticsTruncation.minimum([1, 2, 3], limit: 2, utf8: false) == ([1, 2], false))
    }

    /// Signed integers, floats with NaN and signed zeros, bytes above 0x7F, negative decimals.
    static func sortOrderRows() throws -> (file: WrittenFile, summary: FileSummary) {
        let schema = Schema([.integer("i"), .double("d"), .binary("b"), .decimal("x", precision: 20, scale: 0), .float("f")])
        var bytes = ByteArrayValues()
        for value: [UInt8] in [[0x7F], [0x80], [], [0x7F, 0x00]] { bytes.append(value) }
        let decimals = [Int128(5), -7, 3, -1].flatMap { RandomTable.bigEndian($0, width: 9) }
        return try write("sort orders", schema, ColumnBatch(columns: [
            ColumnData(values: .int64([-3, 7, .min, 0])),
            ColumnData(values: .double([.nan, 0.0, -0.0, .nan])),
            ColumnData(values: .byteArray(bytes)),
            ColumnData(values: .fixedLenByteArray(FixedLenByteArrayValues(bytes: decimals, width: 9))),
            ColumnData(values: .float([.nan, .nan, .nan, .nan])),
        ]))
    }

    /// FIXED_LEN_BYTE_ARRAY without an annotation: 300 bytes wide (above the 64-byte limit)
    /// and 16 bytes wide, beside a UUID.
    static func fixedWidthRows() throws -> (file: WrittenFile, summary: FileSummary) {
        let wide = Field(name: "wide", physicalType: .fixedLenByteArray, repetition: .optional, typeLength: 300)
        let narrow = Field(name: "narrow", physicalType: .fixedLenByteArray, repetition: .required, typeLength: 16)
        let values = { (width: Int) in [UInt8](repeating: 0x05, count: width) + [UInt8](repeating: 0xF0, count: width) + [UInt8](repeating: 0x80, count: width) }
        return try write("fixed-width bytes", Schema([wide, narrow, .uuid("id")]), ColumnBatch(columns: [
            ColumnData(values: .fixedLenByteArray(FixedLenByteArrayValues(bytes: values(300), width: 300)), validity: [true, true, false]),
            ColumnData(values: .fixedLenByteArray(FixedLenByteArrayValues(bytes: values(16), width: 16))),
            ColumnData(values: .fixedLenByteArray(FixedLenByteArrayValues(bytes: values(16), width: 16))),
        ]))
    }

    @Test("FIXED_LEN_BYTE_ARRAY wider than the truncation length gets no bounds; narrower ones keep theirs whole")
    func fixedWidthBounds() throws {
        let chunks = try Self.fixedWidthRows().summary.metadata.rowGroups[0].columns
        let wide = try #require(chunks[0].statistics)
        #expect(wide.nullCount == 1 && wide.minValue == nil && wide.maxValue == nil && wide.legacyMin == nil && wide.legacyMax == nil)
        for chunk in chunks.dropFirst() {
            #expect(chunk.statistics?.minValue == [UInt8](repeating: 0x05, count: 16))
            #expect(chunk.statistics?.maxValue == [UInt8](repeating: 0xF0, count: 16))
        }
    }

    @Test("every file here reads the same in pyarrow and DuckDB, statistics included")
    func independentReaders() async throws {
        try await ReaderOracle.check([Self.parquetRsRows().file, Self.sortOrderRows().file, Self.fixedWidthRows().file])
    }

    /// pyarrow (parquet-cpp) keeps the bounds of BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY chunks
    /// only when the footer's `column_orders` says TYPE_ORDER (older writers sorted bytes as
    /// signed), so its `has_min_max` is an independent reading of `column_orders`. The same
    /// pages under a footer without `column_orders` show the signal tells the two apart.
    @Test("column_orders as pyarrow reads it: byte-array bounds are trusted only with TYPE_ORDER")
    func columnOrders() async throws {
        let (file, summary) = try Self.sortOrderRows()
        #expect(summary.metadata.columnOrdersAreTypeDefined == Array(repeating: true, count: 5))
        var unordered = summary.metadata
        unordered.columnOrdersAreTypeDefined = nil
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let paths = [directory.path("ordered.parquet").path, directory.path("unordered.parquet").path]
        try Data(file.bytes).write(to: URL(fileURLWithPath: paths[0]))
        try Data(CraftedFile.replacingFooter(of: file.bytes, original: summary.metadata, with: unordered)).write(to: URL(fileURLWithPath: paths[1]))
        let output = try await Subprocess.python(#"""
        import sys, json, pyarrow.parquet as pq
        out = []
        for path in sys.argv[1:]:
            m = pq.ParquetFile(path).metadata
            out.append([m.row_group(0).column(i).statistics.has_min_max for i in range(m.num_columns)])
        print(json.dumps(out))
        """#, arguments: paths)
        let trusted = try JSONDecoder().decode([[Bool]].self, from: Data(output.utf8))
        // Columns: INT64, DOUBLE (all-NaN bounds aside), BINARY, DECIMAL on FIXED_LEN_BYTE_ARRAY, all-NaN FLOAT.
        #expect(trusted.first == [true, true, true, true, false])
        #expect(trusted.last == [true, true, false, false, false])
    }

    @Test("sort orders: signed integers, NaN-free floats with signed zeros, unsigned bytes, signed decimals")
    func sortOrders() throws {
        let columns = try Self.sortOrderRows().summary.columns
        #expect(columns[0].min == .int64(.min) && columns[0].max == .int64(7))
        // Zeros only: -0.0 as the minimum and +0.0 as the maximum (parquet.thrift Statistics).
        #expect(columns[1].min.map { if case .double(let v) = $0 { v.sign == .minus && v == 0 } else { false } } == true)
        #expect(columns[1].max.map { if case .double(let v) = $0 { v.sign == .plus && v == 0 } else { false } } == true)
        #expect(columns[2].min == .bytes([]) && columns[2].max == .bytes([0x80]))
        #expect(columns[3].min == .bytes(RandomTable.bigEndian(-7, width: 9)) && columns[3].max == .bytes(RandomTable.bigEndian(5, width: 9)))
        #expect(columns[4].min == nil && columns[4].max == nil && columns[4].nullCount == 0)
    }
}
