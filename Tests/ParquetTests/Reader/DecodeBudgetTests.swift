import Foundation
import MillraceTesting
import Testing
@testable import Parquet

/// Files whose pages decode to far more than their size: one RLE run of a dictionary index can
/// name an entry 67 million times in a 125-byte file. Reads decode only the rows asked for,
/// and what a read decodes, all its columns together, stays within
/// `ReaderOptions.maxDecodedBytes`.
@Suite("Decoded-size budget")
struct DecodeBudgetTests {
    /// pyarrow's row-group cap, the most rows a footer may claim here by default.
    static let hugeRows = 64 << 20

    /// A REQUIRED column of `rows` copies of one dictionary entry, in one data page of a few
    /// bytes.
    static func repeatedColumn(_ field: Field, entry: [UInt8], rows: Int) -> CraftedFile.Column {
        CraftedFile.Column(field: field, pages: [
            CraftedFile.dictionaryPage(entry, count: 1),
            CraftedFile.dataPage(CraftedFile.repeatedIndex(count: rows), values: Int32(rows), encoding: .rleDictionary),
        ])
    }

    /// `columns` string columns of `hugeRows` rows each, every chunk with its own pages.
    static func hugeStrings(columns: Int) -> [UInt8] {
        CraftedFile.build((0..<columns).map { repeatedColumn(.string("c\($0)", nullable: false), entry: [1, 0, 0, 0, 0x78], rows: hugeRows) }, rows: Int64(hugeRows))
    }

    private func options(maxDecodedBytes: Int) -> ReaderOptions {
        var options = ReaderOptions()
        options.maxDecodedBytes = maxDecodedBytes
        return options
    }

    @Test("the first rows of a 67M-row page decode within a 1 MiB budget; the whole page does not")
    func firstRowsOnly() throws {
        let bytes = Self.hugeStrings(columns: 3)
        #expect(bytes.count < 400)
        let reader = try ParquetReader(source: MemorySource(bytes), options: options(maxDecodedBytes: 1 << 20))
        let head = try reader.readRowGroup(0, maxRows: 2)
        #expect(head.rowCount == 2)
        #expect(head.columns.allSatisfy { $0.values == .byteArray(ByteArrayValues(bytes: [0x78, 0x78], offsets: [0, 1, 2])) })
        let text = try ParquetInspector(reader: reader, name: "huge").text(rows: 1)
        #expect(text.contains("first 1 rows:\n  c0 | c1 | c2\n  x | x | x\n"), "\(text)")
        #expect { try reader.readColumn(rowGroup: 0, column: 1) } throws: { error in
            let error = error as? ParquetError
            return error?.code == .limitExceeded && error?.message.contains("maxDecodedBytes") == true
        }
    }

    @Test("values that fill the budget fail promptly, without reallocating at every append near the limit")
    func fillingTheBudget() throws {
        // 2^20 strings: 4 MiB of indices fit an 8 MiB budget, their 8 MiB of offsets do not.
        let rows = 1 << 20
        let bytes = CraftedFile.build([Self.repeatedColumn(.string("s", nullable: false), entry: [1, 0, 0, 0, 0x78], rows: rows)], rows: Int64(rows))
        let reader = try ParquetReader(source: MemorySource(bytes), options: options(maxDecodedBytes: 8 << 20))
        let start = ContinuousClock.now
        #expect { try reader.readColumn(rowGroup: 0, column: 0) } throws: { ($0 as? ParquetError)?.code == .limitExceeded }
        // Growing to the exact size at each append near the limit copied megabytes per value:
        // minutes here. Doubling, then one last growth to what is left, takes well under a second.
        #expect(ContinuousClock.now - start < .seconds(30))
        #expect(try reader.readColumn(rowGroup: 0, column: 0, maxRows: rows / 4).values.count == rows / 4)
    }

    @Test("the columns of one read share the budget")
    func columnsShareTheBudget() async throws {
        // Three INT64 columns of 2^18 copies of 7: 2 MiB each once decoded, 5 MiB while one is
        // decoded (indices, values and their typed copy). One at a time fits 6 MiB; the row
        // group whole does not (9 MiB at its peak).
        let rows = 1 << 18
        let entry = (0..<8).map { UInt8(truncatingIfNeeded: 7 >> (8 * $0)) }
        let bytes = CraftedFile.build((0..<3).map { Self.repeatedColumn(.integer("v\($0)", nullable: false), entry: entry, rows: rows) }, rows: Int64(rows))
        let reader = try ParquetReader(source: MemorySource(bytes), options: options(maxDecodedBytes: 6 << 20))
        for column in 0..<3 {
            #expect(try reader.readColumn(rowGroup: 0, column: column).values == .int64(Array(repeating: 7, count: rows)))
        }
        #expect { try reader.readRowGroup(0) } throws: { ($0 as? ParquetError)?.code == .limitExceeded }
        #expect(try ParquetReader(source: MemorySource(bytes), options: options(maxDecodedBytes: 12 << 20)).readRowGroup(0).rowCount == rows)
        // The file is valid Parquet (the limit is about memory, not corruption): pyarrow and
        // DuckDB read the same values.
        let batch = ColumnBatch(columns: Array(repeating: ColumnData(values: .int64(Array(repeating: 7, count: rows))), count: 3))
        try await ReaderOracle.check([WrittenFile("three repeated columns", bytes: bytes, schema: reader.schema, batch: batch)])
    }

    @Test("millrace inspect --rows 1 of three 67M-row columns stays small")
    func inspectPeakMemory() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("huge.parquet").path
        try Data(Self.hugeStrings(columns: 3)).write(to: URL(fileURLWithPath: path))
        // The peak RSS of the child, as the kernel counts it (before the budget: 1.86 GB).
        let output = try await Subprocess.python(#"""
        import resource, subprocess, sys, json
        run = subprocess.run(sys.argv[1:], capture_output=True, text=True)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
        print(json.dumps({"status": run.returncode, "stdout": run.stdout, "stderr": run.stderr, "peak": peak}))
        """#, arguments: [PackagePaths.builtExecutable("millrace").path, "inspect", path, "--rows", "1"])
        let result = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        #expect(result["status"] as? Int == 0, "\(result["stderr"] ?? "")")
        #expect((result["stdout"] as? String)?.contains("first 1 rows:") == true)
        let peak = try #require(result["peak"] as? Int)
        #expect(peak < 150_000_000, "millrace inspect peaked at \(peak) bytes")
    }

    @Test("a page cannot claim more values than remain in its chunk")
    func pageValueCounts() throws {
        let field = Field.integer("v", nullable: false)
        let plain = { (count: Int) in (0..<count * 8).map { _ in UInt8(0) } }
        let cases: [(String, [(header: PageHeader, body: [UInt8])])] = [
            ("one page of 11 values in 10 rows", [CraftedFile.dataPage(plain(11), values: 11, encoding: .plain)]),
            ("two pages of 6 values in 10 rows", [
                CraftedFile.dataPage(plain(6), values: 6, encoding: .plain), CraftedFile.dataPage(plain(6), values: 6, encoding: .plain),
            ]),
        ]
        for (name, pages) in cases {
            let bytes = CraftedFile.build([CraftedFile.Column(field: field, pages: pages)], rows: 10)
            #expect("\(name)") { try ParquetReader(source: MemorySource(bytes)).readRowGroup(0) } throws: { error in
                (error as? ParquetError)?.code == .corruptFile && "\(error)".contains("remain in its chunk")
            }
        }
        // The same pages with the right counts read.
        let good = CraftedFile.build([CraftedFile.Column(field: field, pages: [CraftedFile.dataPage(plain(10), values: 10, encoding: .plain)])], rows: 10)
        #expect(try ParquetReader(source: MemorySource(good)).readRowGroup(0).columns[0].values == .int64(Array(repeating: 0, count: 10)))
    }

    @Test("two column chunks over the same bytes are refused")
    func overlappingChunks() throws {
        // Both chunks point at the first one's pages: a footer that makes a few bytes decode
        // many times over.
        let column = { (name: String) in Self.repeatedColumn(.string(name, nullable: false), entry: [1, 0, 0, 0, 0x78], rows: 1_000) }
        let bytes = CraftedFile.build([column("a"), column("b")], rows: 1_000) { metadata in
            metadata.rowGroups[0].columns[1] = metadata.rowGroups[0].columns[0]
            metadata.rowGroups[0].columns[1].pathInSchema = ["b"]
        }
        #expect { try ParquetReader(source: MemorySource(bytes)) } throws: { error in
            (error as? ParquetError)?.code == .corruptFile && "\(error)".contains("overlap")
        }
        let separate = CraftedFile.build([column("a"), column("b")], rows: 1_000)
        #expect(try ParquetReader(source: MemorySource(separate)).readRowGroup(0).rowCount == 1_000)
    }

    @Test("limits that are zero or negative are refused")
    func invalidOptions() throws {
        let bytes = Self.hugeStrings(columns: 1)
        let edits: [(String, (inout ReaderOptions) -> Void)] = [
            ("maxDecodedBytes", { $0.maxDecodedBytes = 0 }), ("maxPageSize", { $0.maxPageSize = -1 }),
            ("maxFooterSize", { $0.maxFooterSize = 0 }), ("maxRowGroupRows", { $0.maxRowGroupRows = -5 }),
        ]
        for (name, edit) in edits {
            var options = ReaderOptions()
            edit(&options)
            #expect { try ParquetReader(source: MemorySource(bytes), options: options) } throws: { error in
                (error as? ParquetError)?.code == .invalidProperties && "\(error)".contains(name)
            }
        }
    }
}
