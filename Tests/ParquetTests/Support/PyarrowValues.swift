import Parquet

/// Every value of any flat file as pyarrow reads it, and our reader's values in the same
/// canonical form, for files this project did not write (parquet-testing's, pyarrow's own).
///
/// Canonical form: `null`; `true`/`false`; integers (timestamps as their INT64, dates as days,
/// decimals as the unscaled integer) in decimal; floats as the hex of their bits (`nan` for
/// NaN); strings and bytes in lowercase hex.
enum PyarrowValues {
    /// Prints `{path: [[value per row] per column]}` for the files given as arguments.
    static let script = #"""
    import sys, json, struct, decimal, pyarrow as pa, pyarrow.parquet as pq
    decimal.getcontext().prec = 200
    def canon(v, t):
        if v is None: return "null"
        if pa.types.is_boolean(t): return "true" if v else "false"
        if pa.types.is_floating(t):
            if v != v: return "nan"
            f, i = ("<f", "<I") if pa.types.is_float32(t) else ("<d", "<Q")
            return format(struct.unpack(i, struct.pack(f, v))[0], "x")
        if pa.types.is_decimal(t): return str(int(decimal.Decimal(v).scaleb(t.scale)))
        if isinstance(v, str): return v.encode("utf-8", "surrogatepass").hex()
        if isinstance(v, bytes): return v.hex()
        return str(v)
    out = {}
    for path in sys.argv[1:]:
        table = pq.read_table(path)
        columns = []
        for col in table.columns:
            if pa.types.is_timestamp(col.type): col = col.cast(pa.int64())
            if pa.types.is_date32(col.type): col = col.cast(pa.int32())
            columns.append([canon(v, col.type) for v in col.to_pylist()])
        out[path] = columns
    print(json.dumps(out))
    """#

    /// Row `row` of `data` (a column of `field`) in canonical form.
    static func canonical(_ data: ColumnData, _ field: Field, row: Int) -> String {
        Canonical.value(data, row: row) { bytes in
            if case .decimal = field.logicalType { return String(Canonical.integer(bigEndian: bytes)) }
            if field.physicalType == .int96 {
                // INT96: nanoseconds of the day (8 bytes LE), then the Julian day (4 bytes LE).
                let nanos = bytes[0..<8].reversed().reduce(Int64(0)) { $0 << 8 | Int64($1) }
                let julian = bytes[8..<12].reversed().reduce(Int64(0)) { $0 << 8 | Int64($1) }
                return String((julian - 2_440_588) * 86_400_000_000_000 + nanos)
            }
            return Canonical.hex(bytes)
        }
    }

    /// Every value of every row group of the file at `path`, per column, as our reader reads it.
    static func read(_ path: String) throws -> [[String]] {
        let reader = try ParquetReader(path: path)
        var columns = Array(repeating: [String](), count: reader.schema.fields.count)
        for group in 0..<reader.rowGroupCount {
            let batch = try reader.readRowGroup(group)
            for (index, field) in reader.schema.fields.enumerated() {
                columns[index] += (0..<batch.rowCount).map { canonical(batch.columns[index], field, row: $0) }
            }
        }
        return columns
    }
}
