import CDC
import Catalog
import Foundation
import MillraceTesting
import Parquet
import Testing

@Suite("Snapshots written by independent writers (DuckDB CSV, Python json, pyarrow)")
struct SnapshotOracleTests {
    /// Makes 400 `dim_attributes` rows with hostile text (quotes, commas, CR, LF, CRLF,
    /// backslashes, tabs, non-ASCII, empty strings and nulls), writes them as CSV with DuckDB,
    /// as NDJSON with Python's json module and as Parquet with pyarrow, and prints each row
    /// as a JSON array of texts (null for null).
    private static let writers = #"""
        import json, random, sys
        import duckdb, pyarrow as pa, pyarrow.parquet as pq
        out = sys.argv[1]
        rng = random.Random(20261120)
        pieces = ["a", "Z", " ", ",", '"', '""', "\n", "\r\n", "\r", "\\", "\t", "é", "日本", "🙂", "e\u0301", "'", "x,y", "NULL"]
        def text(limit):
            return "".join(rng.choice(pieces) for _ in range(rng.randint(0, limit)))
        rows = []
        for i in range(400):
            rows.append({
                "attribute_id": i * 7919 - 1000,
                "name": text(20) or "n",
                "data_type": rng.choice(["text", "int", "decimal", "bool", "date", " padded "]),
                "unit": rng.choice([None, "", text(6)]),
                "description": rng.choice([None, "", text(60)]),
                "is_hot": rng.random() < 0.5,
            })
        table = pa.Table.from_pylist(rows)
        pq.write_table(table, out + "/a.parquet", row_group_size=64)
        con = duckdb.connect()
        con.register("src", table)
        con.execute(f"COPY (SELECT * FROM src) TO '{out}/a.csv' (HEADER)")
        with open(out + "/a.ndjson", "w", encoding="utf-8") as f:
            for i, row in enumerate(rows):
                f.write(json.dumps(row, ensure_ascii=(i % 2 == 0)) + ("\r\n" if i % 3 == 0 else "\n"))
        for row in rows:
            print(json.dumps([str(row["attribute_id"]), row["name"], row["data_type"], row["unit"], row["description"],
                              "true" if row["is_hot"] else "false"]))
        """#

    @Test("every format reads back exactly the rows the writers were given")
    func oracle() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let output = try await Subprocess.python(Self.writers, arguments: [directory.url.path])
        let expected = try output.split(separator: "\n").map { line in
            try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [Any]).map { $0 as? String }
        }
        #expect(expected.count == 400)
        let definition = try SnapshotTable.attributes()
        for (name, format) in [("a.csv", SnapshotFormat.csv), ("a.ndjson", .ndjson), ("a.parquet", .parquet)] {
            let bytes = Array(try Data(contentsOf: directory.path(name)))
            let rows = try SnapshotReader.read(bytes, format: format, definition: definition)
            #expect(rows.rejected.isEmpty, "\(name): \(rows.rejected.prefix(3))")
            let actual = (0..<rows.rowCount).map { row in (0..<6).map { SnapshotTable.text(rows, column: $0, row: row) } }
            #expect(actual.count == expected.count, "\(name)")
            for (index, pair) in zip(actual, expected).enumerated() where pair.0 != pair.1 {
                Issue.record("\(name) row \(index + 1): \(pair.0) != \(pair.1)")
                break
            }
        }
    }
}
