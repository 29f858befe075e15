import Foundation
import MillraceTesting
import Testing
@testable import Parquet

/// The flat files of apache/parquet-testing (`../shared/testdata/parquet-testing`): every value
/// cross-checked against pyarrow, and the facts their README and `.md` files document.
@Suite("parquet-testing files", .enabled(if: SharedTestData.isAvailable("parquet-testing"), SharedTestData.absentMessage("parquet-testing")))
struct ParquetTestingFilesTests {
    static var folder: URL { SharedTestData.root.appendingPathComponent("parquet-testing") }
    static func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// Files this reader must read (the folder's others are nested or GZIP; see below).
    static let flatFiles = [
        "alltypes_dictionary.parquet", "alltypes_plain.parquet", "alltypes_plain.snappy.parquet", "binary.parquet",
        "binary_truncated_min_max.parquet", "byte_array_decimal.parquet", "datapage_v1-snappy-compressed-checksum.parquet",
        "datapage_v1-uncompressed-checksum.parquet", "dict-page-offset-zero.parquet", "fixed_length_decimal.parquet",
        "int32_decimal.parquet", "int32_with_null_pages.parquet", "int64_decimal.parquet", "nan_in_stats.parquet",
        "plain-dict-uncompressed-checksum.parquet", "rle-dict-snappy-checksum.parquet", "single_nan.parquet",
    ]

    @Test("every value matches pyarrow's reading")
    func matchesPyarrow() async throws {
        let output = try await Subprocess.python(PyarrowValues.script, arguments: Self.flatFiles.map(Self.path))
        let expected = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: [[String]]])
        for name in Self.flatFiles {
            let columns = try PyarrowValues.read(Self.path(name))
            #expect(columns == expected[Self.path(name)], "\(name)")
        }
    }

    @Test("int32_with_null_pages.md: 1000 values, 275 nulls, documented bounds")
    func nullPages() throws {
        let reader = try ParquetReader(path: Self.path("int32_with_null_pages.parquet"))
        let column = try reader.readColumn(rowGroup: 0, column: 0)
        guard case .int32(let values) = column.values, let validity = column.validity else {
            Issue.record("expected nullable INT32 values")
            return
        }
        #expect(values.count == 1_000 && validity.filter { !$0 }.count == 275)
        let present = zip(values, validity).filter(\.1).map(\.0)
        #expect(present.min() == -2_136_906_554 && present.max() == 2_145_722_375)
        let statistics = reader.metadata.rowGroups[0].columns[0].statistics
        #expect(statistics?.nullCount == 275)
    }

    @Test("README, binary truncated min and max: statistics and rows as documented")
    func truncatedStatistics() throws {
        let reader = try ParquetReader(path: Self.path("binary_truncated_min_max.parquet"))
        let documented: [(min: String, minExact: Bool, max: [UInt8], maxExact: Bool)] = [
            ("Al", false, Array("Kf".utf8), false), ("Al", false, [0x4B, 0x66], false),
            ("Al", false, Array("🚀Kevin Bacon".utf8), true), ("Al", false, [0xFF, 0xFF, 0x01, 0x02], true),
            ("Al", true, Array("Ke".utf8), true), ("Al", true, [0x4B, 0x65], true),
        ]
        for (index, expected) in documented.enumerated() {
            let statistics = try #require(reader.metadata.rowGroups[0].columns[index].statistics)
            #expect(statistics.minValue == Array(expected.min.utf8) && statistics.isMinValueExact == expected.minExact, "column \(index)")
            #expect(statistics.maxValue == expected.max && statistics.isMaxValueExact == expected.maxExact, "column \(index)")
        }
        let batch = try reader.readRowGroup(0)
        #expect(batch.columns[0].bytes(at: 0) == Array("Blart Versenwald III".utf8))
        #expect(batch.columns[4].bytes(at: 1) == Array("Al".utf8))
        #expect(batch.columns[2].bytes(at: 11) == Array("🚀Kevin Bacon".utf8))
        #expect(batch.columns[3].bytes(at: 11) == [0xFF, 0xFF, 0x01, 0x02])
    }

    @Test("README, NaN in stats: values [1.0, NaN] and the documented offsets")
    func nanInStatistics() throws {
        let reader = try ParquetReader(path: Self.path("nan_in_stats.parquet"))
        let chunk = reader.metadata.rowGroups[0].columns[0]
        #expect(chunk.fileOffset == 88 && chunk.dictionaryPageOffset == 4 && chunk.dataPageOffset == 36)
        let column = try reader.readColumn(rowGroup: 0, column: 0)
        guard case .double(let values) = column.values else {
            Issue.record("expected DOUBLE values")
            return
        }
        #expect(values.count == 2 && values[0] == 1.0 && values[1].isNaN)
    }

    @Test("dict-page-offset-zero.parquet: a zero dictionary offset is ignored")
    func dictionaryOffsetZero() throws {
        let reader = try ParquetReader(path: Self.path("dict-page-offset-zero.parquet"))
        #expect(reader.metadata.rowGroups[0].columns[0].dictionaryPageOffset == 0)
        #expect(try reader.readRowGroup(0).rowCount == 39)
    }

    @Test("nested schemas and GZIP are refused as unsupported, with a clear reason")
    func unsupportedFiles() throws {
        #expect { try ParquetReader(path: Self.path("nulls.snappy.parquet")) } throws: {
            ($0 as? ParquetError)?.code == .unsupported && "\($0)".contains("nested")
        }
        let gzip = try ParquetReader(path: Self.path("rle_boolean_encoding.parquet"))
        #expect { try gzip.readRowGroup(0) } throws: {
            ($0 as? ParquetError)?.code == .unsupported && "\($0)".contains("GZIP")
        }
    }
}
