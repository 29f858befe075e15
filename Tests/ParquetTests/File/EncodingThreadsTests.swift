import MillraceTesting
import Testing
@testable import Parquet

/// Column chunks encoded on several threads (`WriterProperties.encodingThreads`, run by
/// `ColumnLanes`) must give the very bytes one thread gives: the staged files are deterministic
/// for the same input at any `pipeline.threads`. pyarrow, DuckDB and our reader read
/// multi-threaded files in `RoundTripPropertyTests` (its random properties draw the threads).
@Suite("Parquet encoding threads")
struct EncodingThreadsTests {
    @Test("random tables are byte for byte the same at 1, 2, 3 and 8 threads")
    func randomTablesByteIdentical() throws {
        for index in 0..<30 {
            var table = RandomTable(seed: 0x7EAD_0000 &+ UInt64(index), maxRows: index % 6 == 0 ? 20_000 : 3_000)
            table.properties.encodingThreads = 1
            let single = try TableWriter(table)
            for threads in [2, 3, 8] {
                table.properties.encodingThreads = threads
                let parallel = try TableWriter(table)
                #expect(parallel.bytes == single.bytes, "seed \(table.seed), \(table.columns.count) columns: \(threads) threads")
                #expect(parallel.rowGroups == single.rowGroups, "seed \(table.seed): row groups at \(threads) threads")
            }
        }
    }

    @Test("a wide table with many pages per chunk, on more lanes than cores, matches one thread")
    func wideTableByteIdentical() throws {
        // Many columns and small pages keep every lane busy at once, so a buffer two lanes
        // shared (a page scratch, a dictionary) would corrupt pages and change bytes.
        var random = SeededRandom(seed: 0x1A2E)
        let rows = 60_000
        var fields: [Field] = []
        var columns: [ColumnData] = []
        for index in 0..<24 {
            switch index % 4 {
            case 0:
                fields.append(.integer("id\(index)", bitWidth: 64, nullable: false))
                columns.append(ColumnData(values: .int64((0..<rows).map { Int64($0 * (index + 1)) })))
            case 1:
                fields.append(.string("tag\(index)", nullable: true))
                var values = ByteArrayValues()
                for row in 0..<rows {
                    if row % 11 == 0 { values.appendEmpty() } else { values.append(Array("value-\(random.next() % UInt64(index * 40 + 5))".utf8)) }
                }
                columns.append(ColumnData(values: .byteArray(values), validity: (0..<rows).map { $0 % 11 != 0 }))
            case 2:
                fields.append(.string("text\(index)", nullable: false))
                var values = ByteArrayValues()
                for _ in 0..<rows { values.append(Array("free text \(random.next()) \(random.next())".utf8)) }
                columns.append(ColumnData(values: .byteArray(values)))
            default:
                fields.append(.double("x\(index)", nullable: true))
                columns.append(
                    ColumnData(
                        values: .double((0..<rows).map { _ in Double(random.next() % 1_000_000) / 7 }),
                        validity: (0..<rows).map { $0 % 7 != 0 }))
            }
        }
        let schema = Schema(fields)
        let batch = ColumnBatch(columns: columns)
        func write(threads: Int) throws -> [UInt8] {
            var properties = WriterProperties()
            properties.dataPageSize = 4_096
            properties.rowGroupRowLimit = 25_000
            properties.encodingThreads = threads
            let sink = MemorySink()
            let writer = try ParquetWriter(schema: schema, sink: sink, properties: properties)
            try writer.append(batch)
            try writer.append(batch, rows: (0..<Int32(rows)).reversed().filter { $0 % 3 != 0 })
            _ = try writer.close()
            return sink.bytes
        }
        let single = try write(threads: 1)
        for threads in [2, 4, 16] {
            let parallel = try write(threads: threads)
            #expect(parallel.count == single.count, "\(threads) threads: file size")
            #expect(parallel == single, "\(threads) threads: bytes")
        }
        let reader = try ParquetReader(source: MemorySource(single))
        #expect(reader.metadata.numRows == Int64(rows + rows - rows / 3))
    }

    @Test("encodingThreads outside 1...256 is refused")
    func invalidThreads() {
        for threads in [0, -1, 257] {
            var properties = WriterProperties()
            properties.encodingThreads = threads
            let error = #expect(throws: ParquetError.self) { try properties.validate() }
            #expect(error?.code == .invalidProperties)
            #expect(error?.message.contains("encodingThreads") == true)
        }
    }
}
