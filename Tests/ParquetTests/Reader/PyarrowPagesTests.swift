import Foundation
import MillraceTesting
import Testing
@testable import Parquet

/// Pages our writer never produces, written by pyarrow in the test: v2 data pages (levels
/// outside the compressed values), RLE-encoded booleans, with and without dictionaries and
/// Snappy, nullable columns of every common type over several pages and row groups. Every value
/// our reader decodes must be the value pyarrow reads back.
@Suite("Pages written by pyarrow")
struct PyarrowPagesTests {
    /// Writes one file per (page version, codec, encoding) into the folder given, prints their
    /// names.
    static let writer = #"""
    import sys, os, json, random, pyarrow as pa, pyarrow.parquet as pq
    folder = sys.argv[1]
    rnd = random.Random(20261202)
    n = 3000
    def maybe(v): return None if rnd.random() < 0.2 else v
    words = ["", "a", "é", "日本語", "🚀", "x" * 70]
    table = pa.table({
        "i": pa.array([maybe(rnd.randint(-2**31, 2**31 - 1)) for _ in range(n)], pa.int32()),
        "l": pa.array([maybe(rnd.choice([-2**63, 2**63 - 1, 0, rnd.randint(-10, 10)])) for _ in range(n)], pa.int64()),
        "s": pa.array([maybe(rnd.choice(words) + str(rnd.randint(0, 40))) for _ in range(n)], pa.string()),
        "b": pa.array([maybe(rnd.random() < 0.3) for _ in range(n)], pa.bool_()),
        "d": pa.array([maybe(rnd.choice([float("nan"), -0.0, 1.5, rnd.uniform(-1e9, 1e9)])) for _ in range(n)], pa.float64()),
        "r": pa.array([rnd.random() < 0.5 for _ in range(n)], pa.bool_()),
    }, schema=pa.schema([pa.field("i", pa.int32()), pa.field("l", pa.int64()), pa.field("s", pa.string()),
                         pa.field("b", pa.bool_()), pa.field("d", pa.float64()), pa.field("r", pa.bool_(), nullable=False)]))
    names = []
    for version in ["1.0", "2.0"]:
        for codec in ["snappy", "none"]:
            for kind in ["dictionary", "plain", "rle-booleans"]:
                name = f"v{version}-{codec}-{kind}.parquet"
                options = dict(data_page_version=version, compression=codec, row_group_size=1100, data_page_size=2048)
                if kind == "dictionary": options["use_dictionary"] = True
                elif kind == "plain": options["use_dictionary"] = False
                else: options.update(use_dictionary=False, column_encoding={"b": "RLE", "r": "RLE"})
                pq.write_table(table, os.path.join(folder, name), **options)
                names.append(name)
    print(json.dumps(names))
    """#

    @Test("v1 and v2 pages, Snappy or not, dictionary, PLAIN or RLE booleans: every value as pyarrow reads it")
    func everyValue() async throws {
        let directory = try TemporaryDirectory(prefix: "pyarrow-pages")
        defer { directory.remove() }
        let names = try JSONDecoder().decode([String].self, from: Data(try await Subprocess.python(Self.writer, arguments: [directory.url.path]).utf8))
        try #require(names.count == 12)
        let paths = names.map { directory.path($0).path }
        let expected = try #require(
            try JSONSerialization.jsonObject(with: Data(try await Subprocess.python(PyarrowValues.script, arguments: paths).utf8)) as? [String: [[String]]]
        )
        for (name, path) in zip(names, paths) {
            let columns = try PyarrowValues.read(path)
            #expect(columns.map(\.count) == Array(repeating: 3_000, count: 6), "\(name)")
            #expect(columns == expected[path], "\(name): values differ from pyarrow's")
            // The pages are the kind the file is named for, so each case tests what it says.
            // (pyarrow's encoding_stats call v2 pages DATA_PAGE: the first page headers tell.)
            let reader = try ParquetReader(path: path)
            #expect(reader.rowGroupCount == 3, "\(name)")
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
            let firstPages = try reader.metadata.rowGroups.map { group in
                try group.columns.map { chunk in
                    var decoder = CompactDecoder(bytes, start: Int(chunk.dataPageOffset))
                    return try PageHeader.read(from: &decoder)
                }
            }
            let version2 = name.hasPrefix("v2.0")
            #expect(firstPages.joined().allSatisfy { $0.type == (version2 ? .dataPageV2 : .dataPage) }, "\(name): page kinds")
            let encoding = { (header: PageHeader) in header.dataPageV2?.encoding ?? header.dataPage?.encoding }
            // Booleans: RLE when asked for, and by default in pyarrow's v2 pages.
            let booleans = firstPages.flatMap { [$0[3], $0[5]] }.map(encoding)
            let rle = version2 || name.hasSuffix("rle-booleans.parquet")
            #expect(booleans.allSatisfy { $0 == (rle ? .rle : .plain) }, "\(name): boolean pages \(booleans)")
            let strings = firstPages.map { encoding($0[2]) }
            let dictionary = name.hasSuffix("dictionary.parquet")
            #expect(strings.allSatisfy { $0 == (dictionary ? .rleDictionary : .plain) }, "\(name): string pages \(strings)")
            #expect(reader.metadata.rowGroups.allSatisfy { $0.columns.allSatisfy { $0.codec == (name.contains("snappy") ? .snappy : .uncompressed) } })
            // Read a slice at a time (pages of 2 KiB: slices cross page boundaries), the same rows.
            for sliceRows in [1, 97, 4_096] {
                for group in 0..<reader.rowGroupCount {
                    let whole = try reader.readRowGroup(group)
                    let slices = try reader.slices(rowGroup: group)
                    var parts: [ColumnBatch] = []
                    while let slice = try slices.next(maxRows: sliceRows) { parts.append(slice) }
                    #expect(parts.reduce(0) { $0 + $1.rowCount } == whole.rowCount, "\(name) slices of \(sliceRows)")
                    let joined = ColumnBatch(columns: whole.columns.indices.map { index in ColumnData.concatenating(parts.map { $0.columns[index] }) })
                    #expect(joined.withExplicitValidity == whole.withExplicitValidity, "\(name), row group \(group), slices of \(sliceRows)")
                }
            }
        }
    }
}
