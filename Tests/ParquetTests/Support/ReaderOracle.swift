import Foundation
import MillraceTesting

/// The independent readers: one Python process reads every file of a test with pyarrow and
/// with DuckDB and reports, per file, the column types, every value in `Canonical` form and
/// the statistics of every column chunk.
enum ReaderOracle {
    /// A file to read and how to render each of its columns.
    struct FileSpec: Encodable {
        var path: String
        var columns: [ColumnSpec]
    }

    /// A column's name, `RandomTable.Kind` and DECIMAL scale.
    struct ColumnSpec: Encodable {
        var name: String
        var kind: String
        var scale: Int
    }

    /// One reader's view of one file.
    struct View: Decodable {
        var types: [String]
        /// Canonical values, per column.
        var columns: [[String]]
        /// Rows per row group.
        var rowGroups: [Int]
        /// Statistics per row group, per column.
        var statistics: [[Stat]]
    }

    /// One column chunk's statistics as a reader reports them (bounds in physical canonical
    /// form for pyarrow, as text for DuckDB).
    struct Stat: Decodable {
        var nulls: Int?
        var min: String?
        var max: String?
        var minExact: Bool?
        var maxExact: Bool?
    }

    /// Both readers' views of one file.
    struct Report: Decodable {
        var pyarrow: View
        var duckdb: View
    }

    /// Reads every file with both readers.
    static func read(_ files: [FileSpec], in directory: TemporaryDirectory) async throws -> [Report] {
        let specURL = directory.path("oracle-spec.json")
        try JSONEncoder().encode(files).write(to: specURL)
        let output = try await Subprocess.python(script, arguments: [specURL.path])
        do {
            return try JSONDecoder().decode([Report].self, from: Data(output.utf8))
        } catch {
            throw OracleOutputUnreadable(error: "\(error)", output: String(output.prefix(2000)))
        }
    }

    /// The oracle printed something that is not its JSON report.
    struct OracleOutputUnreadable: Error, CustomStringConvertible {
        var error: String
        var output: String
        var description: String { "oracle output is not its report (\(error)): \(output)" }
    }

    static let script = #"""
    import sys, json, struct, decimal, uuid
    import pyarrow as pa, pyarrow.parquet as pq, duckdb
    decimal.getcontext().prec = 200

    def canon(v, kind, scale):
        if v is None: return "null"
        if kind == "boolean": return "true" if v else "false"
        if kind in ("float", "double"):
            if v != v: return "nan"
            f, i = ("<f", "<I") if kind == "float" else ("<d", "<Q")
            return format(struct.unpack(i, struct.pack(f, v))[0], "x")
        if kind.startswith("decimal"): return str(int(decimal.Decimal(v).scaleb(scale)))
        if isinstance(v, uuid.UUID): return v.bytes.hex()
        if isinstance(v, str): return v.encode("utf-8", "surrogatepass").hex()
        if isinstance(v, (bytes, bytearray)): return bytes(v).hex()
        if isinstance(v, int): return str(v)
        raise ValueError(f"unexpected {type(v)} for {kind}")

    def raw(v, kind):
        if v is None: return None
        if isinstance(v, bool): return "true" if v else "false"
        if isinstance(v, float):
            f, i = ("<f", "<I") if kind == "float" else ("<d", "<Q")
            return format(struct.unpack(i, struct.pack(f, v))[0], "x")
        if isinstance(v, (bytes, bytearray)): return bytes(v).hex()
        return str(v)

    def with_pyarrow(spec):
        f = pq.ParquetFile(spec["path"])
        table = f.read()
        columns = []
        for c, col in zip(spec["columns"], table.columns):
            kind = c["kind"]
            if kind.startswith("timestamp"): col = col.cast(pa.int64())
            elif kind == "date": col = col.cast(pa.int32())
            columns.append([canon(v, kind, c["scale"]) for v in col.to_pylist()])
        meta = f.metadata
        stats = []
        for g in range(meta.num_row_groups):
            row = []
            for i, c in enumerate(spec["columns"]):
                s = meta.row_group(g).column(i).statistics
                has = s is not None and s.has_min_max
                row.append({"nulls": s.null_count if s is not None and s.has_null_count else None,
                            "min": raw(s.min_raw, c["kind"]) if has else None,
                            "max": raw(s.max_raw, c["kind"]) if has else None})
            stats.append(row)
        return {"types": [str(t) for t in table.schema.types], "columns": columns,
                "rowGroups": [meta.row_group(g).num_rows for g in range(meta.num_row_groups)], "statistics": stats}

    def with_duckdb(spec):
        path = spec["path"].replace("'", "''")
        con = duckdb.connect()
        con.execute("SET threads=1")
        con.execute("SET enable_progress_bar=false")
        exprs = []
        for c in spec["columns"]:
            name = '"' + c["name"] + '"'
            if c["kind"] == "timestampMicros": exprs.append(f"epoch_us({name})")
            elif c["kind"] == "timestampMillis": exprs.append(f"epoch_ms({name})")
            elif c["kind"] == "date": exprs.append(f"date_diff('day', DATE '1970-01-01', {name})")
            else: exprs.append(name)
        types = [r[1] for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet('{path}')").fetchall()]
        rows = con.execute(f"SELECT {', '.join(exprs)} FROM read_parquet('{path}')").fetchall()
        columns = [[canon(r[i], c["kind"], c["scale"]) for r in rows] for i, c in enumerate(spec["columns"])]
        meta = con.execute(f"SELECT row_group_id, column_id, row_group_num_rows, stats_null_count, stats_min_value, stats_max_value, min_is_exact, max_is_exact FROM parquet_metadata('{path}') ORDER BY row_group_id, column_id").fetchall()
        groups, stats = [], []
        for m in meta:
            if m[1] == 0:
                groups.append(m[2]); stats.append([])
            stats[-1].append({"nulls": m[3], "min": m[4], "max": m[5], "minExact": m[6], "maxExact": m[7]})
        return {"types": types, "columns": columns, "rowGroups": groups, "statistics": stats}

    specs = json.load(open(sys.argv[1]))
    print(json.dumps([{"pyarrow": with_pyarrow(s), "duckdb": with_duckdb(s)} for s in specs]))
    """#
}
