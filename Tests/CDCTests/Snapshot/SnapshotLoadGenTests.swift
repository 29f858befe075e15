import CDC
import Catalog
import Foundation
import LoadGen
import MillraceTesting
import Parquet
import Testing

@Suite("LoadGen's attribute snapshots read back exactly")
struct SnapshotLoadGenTests {
    private static let attributes = AttributeDefinition.catalog(count: 500)

    /// Checks every column of `rows` against the generated attributes, value for value.
    private func expectAttributes(_ rows: SnapshotRows, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let attributes = Self.attributes
        #expect(rows.rejectedCount == 0, "\(rows.rejected)", sourceLocation: sourceLocation)
        #expect(rows.rowCount == attributes.count, sourceLocation: sourceLocation)
        let columns = rows.columns.columns
        guard columns.count == 6, case .int64(let ids) = columns[0].values, case .boolean(let hot) = columns[5].values else {
            Issue.record("unexpected column layout \(rows.schema)", sourceLocation: sourceLocation)
            return
        }
        func strings(_ index: Int) -> [String?] {
            (0..<rows.rowCount).map { SnapshotTable.text(rows, column: index, row: $0) }
        }
        #expect(ids == attributes.map(\.id), sourceLocation: sourceLocation)
        #expect(strings(1) == attributes.map(\.name), sourceLocation: sourceLocation)
        #expect(strings(2) == attributes.map(\.dataType), sourceLocation: sourceLocation)
        #expect(strings(3) == attributes.map(\.unit), sourceLocation: sourceLocation)
        #expect(strings(4) == attributes.map(\.description), sourceLocation: sourceLocation)
        #expect(hot == attributes.map(\.isHot), sourceLocation: sourceLocation)
        #expect(columns[0].validity == nil && columns[5].validity == nil, sourceLocation: sourceLocation)
    }

    @Test("AttributeSnapshot.csv")
    func csv() throws {
        let definition = try SnapshotTable.attributes()
        try expectAttributes(try SnapshotTable.read(AttributeSnapshot.csv(Self.attributes), .csv, definition))
    }

    @Test("AttributeSnapshot.ndjson")
    func ndjson() throws {
        let definition = try SnapshotTable.attributes()
        try expectAttributes(try SnapshotTable.read(AttributeSnapshot.ndjson(Self.attributes), .ndjson, definition))
    }

    @Test("the same rows written by our Parquet writer, and read by pyarrow")
    func parquet() async throws {
        let definition = try SnapshotTable.attributes()
        let rows = try SnapshotTable.read(AttributeSnapshot.csv(Self.attributes), .csv, definition)
        let file = try SnapshotParquetTests.written(rows, rowGroupRows: 128)
        try expectAttributes(try SnapshotReader.read(file, format: .parquet, definition: definition))
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("dim_attributes.parquet")
        try Data(file).write(to: path)
        let summary = try await Subprocess.python(
            """
            import pyarrow.parquet as pq, sys
            t = pq.read_table(sys.argv[1])
            print(t.num_rows, t.column("unit").null_count, sum(t.column("is_hot").to_pylist()), t.column("name")[499])
            """, arguments: [path.path])
        let last = try #require(Self.attributes.last)
        let expected = "\(Self.attributes.count) \(Self.attributes.filter { $0.unit == nil }.count) "
            + "\(Self.attributes.filter(\.isHot).count) \(last.name)"
        #expect(summary.trimmingCharacters(in: .whitespacesAndNewlines) == expected)
    }
}
