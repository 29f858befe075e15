import CDC
import Catalog
import Foundation
import MillraceTesting
import Parquet
import Testing

@Suite("Snapshot Parquet")
struct SnapshotParquetTests {
    /// The file our writer makes of `rows`.
    static func written(_ rows: SnapshotRows, rowGroupRows: Int = 1 << 20) throws -> [UInt8] {
        let sink = MemorySink()
        var properties = WriterProperties()
        properties.rowGroupRowLimit = rowGroupRows
        let writer = try ParquetWriter(schema: rows.schema, sink: sink, properties: properties)
        try writer.append(rows.columns)
        _ = try writer.close()
        return sink.bytes
    }

    /// A Parquet file written by pyarrow with `script` (which writes to `sys.argv[1]`).
    static func pyarrowFile(_ script: String) async throws -> [UInt8] {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("snapshot.parquet")
        _ = try await Subprocess.python("import datetime, decimal, sys\nimport pyarrow as pa, pyarrow.parquet as pq\n" + script, arguments: [path.path])
        return Array(try Data(contentsOf: path))
    }

    @Test("a file written by our writer reads back to the same rows, every type, across row groups")
    func ownWriter() throws {
        let definition = try SnapshotTable.types()
        var rows = try SnapshotTable.read(SnapshotTypeRows.csv, .csv, definition)
        // The file names the last column as the declaration's `source` does.
        rows.schema.fields[rows.schema.fields.count - 1].name = "Label Text"
        let file = try Self.written(rows, rowGroupRows: 2)
        let again = try SnapshotReader.read(file, format: .parquet, definition: definition)
        #expect(again.rejected.isEmpty, "\(again.rejected)")
        #expect(again.ignoredColumns.isEmpty)
        #expect(SnapshotTable.rendered(again, definition) == SnapshotTypeRows.expected)
    }

    @Test("a file written by pyarrow: narrower integers, float, other decimal scales, units, UUID bytes, an extra column")
    func pyarrow() async throws {
        let file = try await Self.pyarrowFile(#"""
            utc = datetime.timezone.utc
            t = pa.table({
                "id": pa.array([1, 2], pa.int32()),
                "flag": pa.array([True, None]),
                "ratio": pa.array([1.5, None], pa.float32()),
                "amount": pa.array([decimal.Decimal("-12345.678"), None], pa.decimal128(20, 3)),
                "small": pa.array([decimal.Decimal("999.99"), None], pa.decimal128(5, 2)),
                "code": ["abc", None],
                "doc": ['{"a":[1,2]}', None],
                "uid": pa.array([bytes.fromhex("0e984725c51c4bf49960e1c80e27aba0"), None], pa.uuid()),
                "day": pa.array([datetime.date(2026, 11, 20), None]),
                "local_at": pa.array([datetime.datetime(2026, 11, 20, 17, 42, 1, 500000), None], pa.timestamp("ns")),
                "at": pa.array([datetime.datetime(2026, 11, 20, 11, 57, 1, tzinfo=utc), None], pa.timestamp("ms", tz="UTC")),
                "clock": pa.array([datetime.time(17, 42, 1, 123456), None], pa.time64("us")),
                "clock_utc": pa.array([67321000000, None], pa.int64()),
                "blob": pa.array([b"\x00\x01\x02\xff", None], pa.binary()),
                "Label Text": pa.array(["x, y", None], pa.large_string()),
                "extra": [7, 8],
            })
            pq.write_table(t, sys.argv[1])
            """#)
        let definition = try SnapshotTable.types()
        let rows = try SnapshotReader.read(file, format: .parquet, definition: definition)
        #expect(rows.rejected.isEmpty, "\(rows.rejected)")
        #expect(rows.ignoredColumns == ["extra"])
        #expect(SnapshotTable.rendered(rows, definition) == [SnapshotTypeRows.expected[0], SnapshotTypeRows.expected[1]])
    }

    @Test("a column typed unlike its declaration, a missing NOT NULL column or a corrupt file is an error")
    func wrongFiles() async throws {
        let definition = try SnapshotTable.attributes()
        func failure(_ bytes: [UInt8], _ definition: TableDefinition) -> CDCError? {
            do {
                _ = try SnapshotReader.read(bytes, format: .parquet, definition: definition)
                return nil
            } catch { return error }
        }
        let text = try await Self.pyarrowFile(#"""
            pq.write_table(pa.table({"attribute_id": ["1"], "name": ["a"], "data_type": ["text"], "is_hot": [True]}), sys.argv[1])
            """#)
        let mismatch = failure(text, definition)
        #expect(mismatch?.code == .invalidSnapshot)
        #expect(mismatch?.message.contains("`attribute_id` is BYTE_ARRAY") == true, "\(mismatch?.message ?? "")")
        let naive = try await Self.pyarrowFile(#"""
            pq.write_table(pa.table({"id": [1], "at": pa.array([datetime.datetime(2026, 1, 1)], pa.timestamp("us"))}), sys.argv[1])
            """#)
        #expect(failure(naive, try SnapshotTable.types())?.message.contains("timestamptz is declared") == true)
        let missing = try await Self.pyarrowFile(#"""
            pq.write_table(pa.table({"attribute_id": [1], "name": ["a"], "data_type": ["text"]}), sys.argv[1])
            """#)
        #expect(failure(missing, definition)?.message.contains("`is_hot`") == true)
        let good = try Self.written(try SnapshotTable.read("attribute_id,name,data_type,is_hot\n1,a,text,t\n", .csv, definition))
        let corrupt = failure(Array(good.prefix(good.count - 9)) + Array("PAR1".utf8), definition)
        #expect(corrupt?.code == .invalidSnapshot)
        #expect(corrupt?.underlying is ParquetError)
        #expect(failure(Array("PAR1 not parquet PAR1".utf8), definition)?.code == .invalidSnapshot)
    }

    @Test("bad values are rejected by row number with the value as text; line numbers run across row groups")
    func rejections() async throws {
        let definition = try SnapshotTable.attributes()
        // Our writer does not know varchar(16) or NOT NULL: a plain schema lets both through.
        let file = try await Self.pyarrowFile(#"""
            t = pa.table({
                "attribute_id": pa.array(range(1, 7), pa.int64()),
                "name": ["a", None, "c", "d", "e\u0000", "f"],
                "data_type": ["text", "text", "a-data-type-name-too-long", "text", "text", "text"],
                "is_hot": [True, True, True, False, False, None],
            })
            pq.write_table(t, sys.argv[1], row_group_size=2)
            """#)
        let rows = try SnapshotReader.read(file, format: .parquet, definition: definition)
        #expect(SnapshotTable.rendered(rows, definition).map { field($0, "attribute_id") } == ["1", "4"])
        #expect(rows.rejected.map(\.line) == [2, 3, 5, 6])
        #expect(rows.rejected.map(\.reason) == [.missingRequiredField, .valueTooLong, .invalidValue, .missingRequiredField])
        #expect(rows.rejected[1].text == "a-data-type-name-too-long")
        #expect(rows.rejected[1].message.contains("`data_type`"))
    }
}
