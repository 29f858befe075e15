import Foundation
import MillraceTesting
import Testing
@testable import Parquet

/// Corrupt and hostile files fail with a `ParquetError` that says what is wrong: never a
/// crash, never an allocation the file's size does not justify.
@Suite("Corrupt input")
struct CorruptInputTests {
    static let sampleSchema = Schema([.string("s"), .integer("i", nullable: false), .boolean("b")])
    static let sampleBatch: ColumnBatch = {
        var strings = ByteArrayValues()
        for row in 0..<200 { strings.append(Array("value \(row % 30)".utf8)) }
        return ColumnBatch(columns: [
            ColumnData(values: .byteArray(strings), validity: (0..<200).map { $0 % 7 != 0 }),
            ColumnData(values: .int64((0..<200).map { Int64($0) * 977 })),
            ColumnData(values: .boolean((0..<200).map { $0 % 3 == 0 })),
        ])
    }()

    /// A small file: 2 row groups, dictionary and PLAIN pages, nulls, SNAPPY.
    static let sample: (bytes: [UInt8], metadata: FileMetadata) = {
        var properties = WriterProperties()
        properties.rowGroupRowLimit = 150
        properties.dictionaryPageSizeLimit = 200
        properties.dataPageRowLimit = 40
        let sink = MemorySink()
        do {
            let writer = try ParquetWriter(schema: sampleSchema, sink: sink, properties: properties)
            try writer.append(sampleBatch)
            let summary = try writer.close()
            return (sink.bytes, summary.metadata)
        } catch {
            return ([], FileMetadata(version: 0, schemaElements: [], numRows: 0, rowGroups: []))
        }
    }()

    /// Opens `bytes` and reads every row group; returns the error, if any.
    private func readAll(_ bytes: [UInt8], options: ReaderOptions = ReaderOptions()) -> ParquetError? {
        do {
            let reader = try ParquetReader(source: MemorySource(bytes), options: options)
            for group in 0..<reader.rowGroupCount { _ = try reader.readRowGroup(group) }
            return nil
        } catch let error as ParquetError {
            return error
        } catch {
            Issue.record("not a ParquetError: \(error)")
            return nil
        }
    }

    /// The sample's pages with `metadata` as its footer.
    private func withFooter(_ metadata: FileMetadata) -> [UInt8] {
        CraftedFile.replacingFooter(of: Self.sample.bytes, original: Self.sample.metadata, with: metadata)
    }

    @Test("the sample itself reads")
    func sampleReads() {
        #expect(!Self.sample.bytes.isEmpty && readAll(Self.sample.bytes) == nil)
        #expect(readAll(withFooter(Self.sample.metadata)) == nil)
    }

    @Test("every truncation fails as corrupt")
    func truncations() {
        for length in 0..<Self.sample.bytes.count {
            let error = readAll(Array(Self.sample.bytes.prefix(length)))
            #expect(error?.code == .corruptFile, "truncated to \(length) bytes: \(String(describing: error))")
        }
    }

    @Test("bad magic numbers and footer lengths")
    func framing() {
        var bytes = Self.sample.bytes
        bytes[0] = 0x51
        #expect(readAll(bytes)?.message.contains("PAR1") == true)
        bytes = Self.sample.bytes
        bytes[bytes.count - 1] = 0x45  // PARE: an encrypted footer
        #expect(readAll(bytes)?.code == .unsupported)
        bytes = Self.sample.bytes
        bytes.replaceSubrange(bytes.count - 8..<bytes.count - 4, with: [0xFF, 0xFF, 0xFF, 0x7F])
        #expect(readAll(bytes)?.message.contains("footer length") == true)
        bytes = Self.sample.bytes
        bytes[bytes.count - 8] &-= 3  // a footer three bytes short: its Thrift no longer parses
        #expect(readAll(bytes) != nil)
    }

    @Test("a footer that lies about rows, offsets, sizes or types")
    func lyingFooters() {
        typealias Edit = (inout FileMetadata) -> Void
        let cases: [(String, ParquetError.Code, Edit)] = [
            ("file row count", .corruptFile, { $0.numRows += 1 }),
            ("row group row count", .corruptFile, { $0.rowGroups[0].numRows += 1 }),
            ("negative row count", .corruptFile, { $0.rowGroups[0].numRows = -5; $0.numRows = -5 + $0.rowGroups[1].numRows }),
            ("chunk past the footer", .corruptFile, { $0.rowGroups[1].columns[2].totalCompressedSize += 1_000 }),
            ("chunk of 2^62 bytes", .corruptFile, { $0.rowGroups[0].columns[0].totalCompressedSize = 1 << 62 }),
            ("chunk before the magic", .corruptFile, { $0.rowGroups[0].columns[0].dictionaryPageOffset = nil; $0.rowGroups[0].columns[0].dataPageOffset = 1 }),
            ("data page outside its chunk", .corruptFile, { $0.rowGroups[0].columns[1].dataPageOffset = 1 << 40 }),
            ("chunk cut short", .corruptFile, { $0.rowGroups[0].columns[1].totalCompressedSize -= 10 }),
            ("value count", .corruptFile, { $0.rowGroups[0].columns[1].numValues += 1 }),
            ("physical type", .corruptFile, { $0.rowGroups[0].columns[1].physicalType = .int32 }),
            ("missing column", .corruptFile, { $0.rowGroups[0].columns.removeLast() }),
            ("codec", .unsupported, { $0.rowGroups[0].columns[0].codec = .zstd }),
            ("external file", .unsupported, { $0.rowGroups[0].columns[0].filePath = "other.parquet" }),
            ("repeated column", .unsupported, { $0.schemaElements[1].repetition = 2 }),
            ("empty schema", .corruptFile, { $0.schemaElements = [] }),
            ("row group too big", .limitExceeded, { $0.rowGroups[0].numRows = 1 << 40; $0.numRows = (1 << 40) + $0.rowGroups[1].numRows }),
        ]
        for (name, code, edit) in cases {
            var metadata = Self.sample.metadata
            edit(&metadata)
            let error = readAll(withFooter(metadata))
            #expect(error?.code == code, "\(name): \(String(describing: error))")
        }
    }

    @Test("lengths above the reader's limits")
    func limits() {
        var options = ReaderOptions()
        options.maxFooterSize = 100
        #expect(readAll(Self.sample.bytes, options: options)?.code == .limitExceeded)
        options = ReaderOptions()
        options.maxPageSize = 64
        #expect(readAll(Self.sample.bytes, options: options)?.code == .limitExceeded)
        options = ReaderOptions()
        options.maxRowGroupRows = 100
        #expect(readAll(Self.sample.bytes, options: options)?.code == .limitExceeded)
    }

    /// One 100 KB string, 50 rows: a 100 KB dictionary and 50 one-bit indices decode to 5 MB.
    static func repeatedBigString() throws -> WrittenFile {
        var values = ByteArrayValues()
        let big = [UInt8](repeating: 0x61, count: 100_000)
        for _ in 0..<50 { values.append(big) }
        let schema = Schema([.string("s", nullable: false)])
        let batch = ColumnBatch(columns: [ColumnData(values: .byteArray(values))])
        let sink = MemorySink()
        let writer = try ParquetWriter(schema: schema, sink: sink)
        try writer.append(batch)
        _ = try writer.close()
        return try WrittenFile("50 copies of a 100 KB string", bytes: sink.bytes, schema: schema, batch: batch)
    }

    @Test("the sample and the 100 KB string file read the same in pyarrow and DuckDB")
    func independentReaders() async throws {
        try await ReaderOracle.check([
            WrittenFile("corrupt-input sample", bytes: Self.sample.bytes, schema: Self.sampleSchema, batch: Self.sampleBatch, statistics: true),
            Self.repeatedBigString(),
        ])
    }

    @Test("decoding stops at the decoded-size limit: a dictionary entry named many times")
    func expansion() throws {
        let bytes = try Self.repeatedBigString().bytes
        #expect(bytes.count < 200_000)
        var options = ReaderOptions()
        options.maxDecodedBytes = 1_000_000
        #expect(readAll(bytes, options: options)?.code == .limitExceeded)
        #expect(readAll(bytes) == nil)
    }

    @Test("a dictionary index beyond the dictionary's entries is corrupt, for fixed and variable widths")
    func indexBeyondDictionary() throws {
        // RLE_DICTIONARY data (Encodings.md): bit width 1, then one RLE run of 5 copies of
        // index 1 (run header = ULEB128 of 5 << 1; the value in one byte). The dictionary
        // holds one entry, so index 1 names nothing.
        let indexOne: [UInt8] = [1, 5 << 1, 1]
        let columns: [(Field, [UInt8])] = [
            (.string("s", nullable: false), [1, 0, 0, 0, 0x78]),
            (.integer("i", nullable: false), [7, 0, 0, 0, 0, 0, 0, 0]),
        ]
        for (field, entry) in columns {
            let bytes = CraftedFile.build([CraftedFile.Column(field: field, pages: [
                CraftedFile.dictionaryPage(entry, count: 1),
                CraftedFile.dataPage(indexOne, values: 5, encoding: .rleDictionary),
            ])], rows: 5)
            let error = readAll(bytes)
            #expect(error?.code == .corruptFile, "\(field.name)")
            #expect(error?.message.contains("dictionary index 1 is beyond the 1 entries") == true, "\(String(describing: error))")
        }
    }

    @Test("random byte flips never crash the reader", arguments: 0..<4)
    func flips(round: Int) {
        var random = SeededRandom(seed: 0xF11B + UInt64(round))
        for trial in 0..<250 {
            var bytes = Self.sample.bytes
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            }
            // Success is possible (a flipped value byte); any failure must be a ParquetError,
            // which readAll checks.
            _ = readAll(bytes)
            _ = trial
        }
    }
}
