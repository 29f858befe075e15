import Foundation
import MillraceTesting
import Testing
@testable import Parquet

/// The footer fields Redshift and other readers depend on, checked with pyarrow and DuckDB as
/// independent readers, plus the writer's lifecycle.
@Suite("ParquetWriter")
struct WriterTests {
    private static let sampleSchema = Schema([.string("kind", nullable: false), .integer("id", nullable: false), .timestamp("at")])

    private func sampleFile() throws -> (bytes: [UInt8], summary: FileSummary) {
        let (bytes, summary, _) = try sample()
        return (bytes, summary)
    }

    /// 3,000 rows over two row groups: a low-cardinality string (stays dictionary-encoded), a
    /// unique id (falls back to PLAIN past a small dictionary limit), a nullable timestamp.
    private func sample() throws -> (bytes: [UInt8], summary: FileSummary, batch: ColumnBatch) {
        var properties = WriterProperties()
        properties.rowGroupRowLimit = 2_000
        properties.dictionaryPageSizeLimit = 4_000
        properties.dataPageRowLimit = 500
        properties.createdBy = "millrace version 9.9.9 (build test)"
        let sink = MemorySink()
        let writer = try ParquetWriter(schema: Self.sampleSchema, sink: sink, properties: properties, keyValueMetadata: [KeyValue(key: "schema.version", value: "7")])
        var kinds = ByteArrayValues()
        for row in 0..<3_000 { kinds.append(Array(["create", "update", "delete"][row % 3].utf8)) }
        let batch = ColumnBatch(columns: [
            ColumnData(values: .byteArray(kinds)),
            ColumnData(values: .int64((0..<3_000).map { Int64($0) * 7 - 5_000 })),
            ColumnData(values: .int64((0..<3_000).map { Int64($0) * 1_000_000 }), validity: (0..<3_000).map { $0 % 10 != 0 }),
        ])
        try writer.append(batch)
        writer.keyValueMetadata.append(KeyValue(key: "source.offsets", value: "{\"0\": 42}"))
        let summary = try writer.close()
        return (sink.bytes, summary, batch)
    }

    @Test("offsets, sizes, encodings and annotations, as pyarrow and DuckDB read them")
    func footerAsReadByOthers() async throws {
        let (bytes, summary) = try sampleFile()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("sample.parquet").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let output = try await Subprocess.python(#"""
        import sys, json, pyarrow.parquet as pq, duckdb
        f = pq.ParquetFile(sys.argv[1]); m = f.metadata
        out = {"created_by": m.created_by, "kv": {k.decode(): v.decode() for k, v in m.metadata.items()}, "groups": []}
        for g in range(m.num_row_groups):
            cols = []
            for i in range(m.num_columns):
                c = m.row_group(g).column(i)
                cols.append({"file_offset": c.file_offset, "dict": c.dictionary_page_offset, "data": c.data_page_offset,
                             "size": c.total_compressed_size, "encodings": list(c.encodings), "nulls": c.statistics.null_count})
            out["groups"].append(cols)
        s = f.schema
        out["converted"] = [str(s.column(i).converted_type) for i in range(m.num_columns)]
        out["logical"] = [str(s.column(i).logical_type) for i in range(m.num_columns)]
        con = duckdb.connect()
        out["duck_stats"] = [str(r[0]) for r in con.execute(f"SELECT encoding_stats FROM parquet_metadata('{sys.argv[1]}') ORDER BY row_group_id, column_id").fetchall()]
        print(json.dumps(out))
        """#, arguments: [path])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        #expect(json["created_by"] as? String == "millrace version 9.9.9 (build test)")
        #expect(json["kv"] as? [String: String] == ["schema.version": "7", "source.offsets": "{\"0\": 42}"])
        #expect(json["converted"] as? [String] == ["UTF8", "INT_64", "TIMESTAMP_MICROS"])
        #expect((json["logical"] as? [String])?.first == "String")
        let groups = try #require(json["groups"] as? [[[String: Any]]])
        #expect(groups.count == 2)
        var expectedOffset = 4
        for (g, group) in groups.enumerated() {
            for (c, column) in group.enumerated() {
                let fileOffset = column["file_offset"] as? Int
                let dictionary = column["dict"] as? Int
                let data = try #require(column["data"] as? Int)
                // Chunks are contiguous from byte 4; file_offset is the chunk's first page.
                #expect(fileOffset == expectedOffset, "group \(g) column \(c)")
                #expect(dictionary == expectedOffset, "group \(g) column \(c): every chunk here starts with a dictionary page")
                #expect(data > expectedOffset)
                expectedOffset += try #require(column["size"] as? Int)
                let chunk = summary.metadata.rowGroups[g].columns[c]
                #expect(Int(chunk.dataPageOffset) == data && chunk.fileOffset == chunk.dictionaryPageOffset)
            }
            #expect(group[0]["encodings"] as? [String] == ["PLAIN", "RLE", "RLE_DICTIONARY"])
            #expect(group[2]["nulls"] as? Int == (g == 0 ? 200 : 100))
        }
        // The unique ids outgrow the 4 KB dictionary: dictionary pages first, then PLAIN.
        let stats = try #require(json["duck_stats"] as? [String])
        #expect(stats[1].contains("RLE_DICTIONARY") && stats[1].contains("PLAIN"), "\(stats[1])")
        let idStats = try #require(summary.metadata.rowGroups[0].columns[1].encodingStats)
        #expect(idStats.contains { $0.pageType == .dataPage && $0.encoding == .plain })
        #expect(idStats.contains { $0.pageType == .dataPage && $0.encoding == .rleDictionary })
        #expect(summary.metadata.columnOrdersAreTypeDefined == [true, true, true])
    }

    @Test("the summary merges statistics across row groups and reports the exact size")
    func summary() throws {
        let (bytes, summary) = try sampleFile()
        #expect(summary.fileSize == Int64(bytes.count))
        #expect(summary.rowCount == 3_000 && summary.rowGroupCount == 2)
        #expect(summary.columns[0].min == .bytes(Array("create".utf8)) && summary.columns[0].max == .bytes(Array("update".utf8)))
        #expect(summary.columns[1].min == .int64(-5_000) && summary.columns[1].max == .int64(2_999 * 7 - 5_000))
        #expect(summary.columns[2].nullCount == 300 && summary.columns[2].max == .int64(2_999 * 1_000_000))
        #expect(summary.columns.map(\.compressedSize).reduce(0, +) == summary.metadata.rowGroups.compactMap(\.totalCompressedSize).reduce(0, +))
        #expect(Array(bytes.prefix(4)) == Array("PAR1".utf8) && Array(bytes.suffix(4)) == Array("PAR1".utf8))
    }

    /// 655,360 scattered integers written with a 100 KB row-group byte limit.
    private func byteLimitedFile() throws -> (file: WrittenFile, summary: FileSummary) {
        var properties = WriterProperties()
        properties.rowGroupByteLimit = 100_000
        let schema = Schema([.integer("v", nullable: false)])
        let sink = MemorySink()
        let writer = try ParquetWriter(schema: schema, sink: sink, properties: properties)
        var all: [Int64] = []
        for part in 0..<10 {
            let values = (0..<65_536).map { Int64(part * 65_536 + $0) &* 2_654_435_761 }
            try writer.append(ColumnBatch(columns: [ColumnData(values: .int64(values))]))
            all += values
        }
        let summary = try writer.close()
        let file = try WrittenFile("row-group byte limit", bytes: sink.bytes, schema: schema, batch: ColumnBatch(columns: [ColumnData(values: .int64(all))]))
        return (file, summary)
    }

    @Test("a row group closes at the byte limit too")
    func rowGroupByteLimit() throws {
        let summary = try byteLimitedFile().summary
        #expect(summary.rowGroupCount >= 5)
        #expect(summary.metadata.rowGroups.allSatisfy { ($0.totalCompressedSize ?? 0) < 1_000_000 })
    }

    /// A file of no rows: no row groups at all.
    private func emptyFileBytes() throws -> (bytes: [UInt8], summary: FileSummary) {
        let sink = MemorySink()
        let summary = try ParquetWriter(schema: Schema([.string("s")]), sink: sink).close()
        return (sink.bytes, summary)
    }

    @Test("an empty file is valid Parquet")
    func emptyFile() throws {
        let (bytes, summary) = try emptyFileBytes()
        #expect(summary.rowCount == 0 && summary.rowGroupCount == 0)
        let reader = try ParquetReader(source: MemorySource(bytes))
        #expect(reader.rowGroupCount == 0 && reader.schema == Schema([.string("s")]))
    }

    @Test("the writer refuses use after close")
    func afterClose() throws {
        let writer = try ParquetWriter(schema: Schema([.boolean("b")]), sink: MemorySink())
        _ = try writer.close()
        #expect { try writer.append(ColumnBatch(columns: [ColumnData(values: .boolean([true]))])) } throws: {
            ($0 as? ParquetError)?.code == .writerClosed
        }
        #expect { try writer.close() } throws: { ($0 as? ParquetError)?.code == .writerClosed }
    }

    /// A sink that fails after `limit` bytes. A test double at a seam no local server provides:
    /// a disk that fills up mid-file.
    final class FailingSink: ParquetSink {
        struct Full: Error {}
        var written = 0
        let limit: Int
        init(limit: Int) { self.limit = limit }
        func write(_ bytes: UnsafeRawBufferPointer) throws {
            if written + bytes.count > limit { throw Full() }
            written += bytes.count
        }
    }

    @Test("a failing sink fails the writer for good")
    func sinkFailure() throws {
        let writer = try ParquetWriter(schema: Schema([.integer("v")]), sink: FailingSink(limit: 100))
        let batch = ColumnBatch(columns: [ColumnData(values: .int64(Array(0..<1_000)))])
        try writer.append(batch)
        #expect { try writer.flushRowGroup() } throws: { ($0 as? ParquetError)?.code == .sinkFailed }
        #expect { try writer.append(batch) } throws: { ($0 as? ParquetError)?.code == .writerClosed }
    }

    /// Rows 3, 0, 0, 2 of [10, 11, 12, 13], then an empty selection.
    private func selectionFile() throws -> [UInt8] {
        let sink = MemorySink()
        let writer = try ParquetWriter(schema: Schema([.integer("v", nullable: false)]), sink: sink)
        try writer.append(ColumnBatch(columns: [ColumnData(values: .int64([10, 11, 12, 13]))]), rows: [3, 0, 0, 2])
        try writer.append(ColumnBatch(columns: [ColumnData(values: .int64([20]))]), rows: [])
        _ = try writer.close()
        return sink.bytes
    }

    @Test("selected rows are written in the order given, repeats included")
    func selection() throws {
        let column = try ParquetReader(source: MemorySource(try selectionFile())).readColumn(rowGroup: 0, column: 0)
        #expect(column.values == .int64([13, 10, 10, 12]))
    }

    @Test("properties out of range are refused")
    func invalidProperties() {
        var properties = WriterProperties()
        properties.dataPageRowLimit = 0
        #expect { try ParquetWriter(schema: Schema([.boolean("b")]), sink: MemorySink(), properties: properties) } throws: {
            ($0 as? ParquetError)?.code == .invalidProperties
        }
        properties = WriterProperties()
        properties.compression = .gzip
        #expect { try ParquetWriter(schema: Schema([.boolean("b")]), sink: MemorySink(), properties: properties) } throws: {
            ($0 as? ParquetError)?.code == .invalidProperties
        }
    }

    /// One string written through a `FileSink` to `path`; returns the closed sink and the rows.
    private func writeToDisk(_ path: String) throws -> (sink: FileSink, summary: FileSummary, batch: ColumnBatch) {
        let sink = try FileSink(path: path)
        let writer = try ParquetWriter(schema: Schema([.string("s")]), sink: sink)
        var values = ByteArrayValues()
        values.append(Array("on disk".utf8))
        let batch = ColumnBatch(columns: [ColumnData(values: .byteArray(values))])
        try writer.append(batch)
        let summary = try writer.close()
        try sink.close()
        return (sink, summary, batch)
    }

    @Test("a file sink writes the same bytes to disk")
    func fileSink() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("f.parquet").path
        let (sink, summary, batch) = try writeToDisk(path)
        let reader = try ParquetReader(path: path)
        #expect(Int64(reader.fileSize) == summary.fileSize)
        #expect(try reader.readRowGroup(0).columns[0].values == batch.columns[0].values)
        #expect { try sink.write(UnsafeRawBufferPointer(start: nil, count: 0)) } throws: { ($0 as? ParquetError)?.code == .sinkFailed }
    }

    @Test("the sample, empty, selection, byte-limited and on-disk files read the same in pyarrow and DuckDB")
    func independentReaders() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("on-disk.parquet").path
        let disk = try writeToDisk(path)
        let int64 = Schema([.integer("v", nullable: false)])
        let sample = try sample()
        try await ReaderOracle.check([
            WrittenFile("sample", bytes: sample.bytes, schema: Self.sampleSchema, batch: sample.batch, statistics: true),
            WrittenFile("empty file", bytes: try emptyFileBytes().bytes, schema: Schema([.string("s")]),
                        batch: ColumnBatch(columns: [ColumnData(values: .byteArray(ByteArrayValues()))])),
            WrittenFile("selection", bytes: try selectionFile(), schema: int64, batch: ColumnBatch(columns: [ColumnData(values: .int64([13, 10, 10, 12]))])),
            try byteLimitedFile().file,
            WrittenFile("file sink", bytes: Array(try Data(contentsOf: URL(fileURLWithPath: path))), schema: Schema([.string("s")]), batch: disk.batch),
        ])
    }
}
