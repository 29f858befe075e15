import Catalog
import Foundation
@testable import Loader
import Logging
import MillraceTesting
import Parquet
import Staging
import Testing
@testable import Warehouse

/// The loader's binary COPY against its text COPY on a real PostgreSQL: the same staged files
/// loaded both ways into two tables of the staging definition, compared by the server column by
/// column (`EXCEPT ALL` both ways), with the edge values of every type a staging table declares.
@Suite("COPY binary on PostgreSQL")
struct CopyBinaryRoundTripTests {
    /// A topic-fed table (so the system columns' CHAR(1), INTEGER, BIGINT, TIMESTAMPTZ and TEXT
    /// are staged too) declaring every `Schemas/` column type. The declared columns are given the
    /// enrichment role only because it needs no Connect schema: enrichment columns are staged
    /// like source columns.
    static let definition: TableDefinition = {
        let role = ColumnRole.enrichment(Enrichment(dimension: "dim", joinColumn: "id", dimensionKey: "id", dimensionColumn: "x"))
        let declared: [(String, ColumnType)] = [
            ("id", .bigint), ("flag", .boolean), ("small", .decimal(precision: 9, scale: 5)), ("mid", .decimal(precision: 18, scale: 5)),
            ("amount", .decimal(precision: 20, scale: 5)), ("big", .decimal(precision: 38, scale: 10)), ("whole", .decimal(precision: 38, scale: 0)),
            ("ratio", .double), ("name", .text), ("code", .varchar(maxBytes: 8)), ("doc", .json), ("ref", .uuid), ("day", .date),
            ("at", .timestamp), ("atz", .timestamptz), ("tod", .time), ("todz", .timetz), ("raw", .bytes),
        ]
        let source = TableSource.topic(name: "copy.binary.t", keyColumns: ["id"])
        return TableDefinition(
            name: "copy_binary", version: 1, source: source,
            columns: TableDefinition.withSystemColumns(declared.map { Column(name: $0.0, type: $0.1, role: role) }, source: source),
            keys: TableKeys(merge: ["id"], dedup: ["id"])
        )
    }()

    static let rowCount = 8

    /// Every staged column's values for `rowCount` rows (nil = NULL), by column name.
    static func column(_ field: Field) throws -> ColumnData {
        func int64s(_ values: [Int64?]) -> ColumnData {
            ColumnData(values: .int64(values.map { $0 ?? 0 }), validity: values.contains(nil) ? values.map { $0 != nil } : nil)
        }
        func int32s(_ values: [Int32?]) -> ColumnData {
            ColumnData(values: .int32(values.map { $0 ?? 0 }), validity: values.contains(nil) ? values.map { $0 != nil } : nil)
        }
        func texts(_ values: [String?]) -> ColumnData {
            var bytes = ByteArrayValues()
            for value in values { if let value { bytes.append(Array(value.utf8)) } else { bytes.appendEmpty() } }
            return ColumnData(values: .byteArray(bytes), validity: values.contains(nil) ? values.map { $0 != nil } : nil)
        }
        func decimals(_ values: [Int128?]) -> ColumnData {
            switch field.physicalType {
            case .int32: return int32s(values.map { $0.map { Int32($0) } })
            case .int64: return int64s(values.map { $0.map { Int64($0) } })
            default:
                let width = field.typeLength
                var bytes: [UInt8] = []
                for value in values {
                    let unscaled = value ?? 0
                    bytes += (0..<width).map { UInt8(truncatingIfNeeded: unscaled >> (8 * (width - 1 - $0))) }
                }
                return ColumnData(values: .fixedLenByteArray(.init(bytes: bytes, width: width)), validity: values.map { $0 != nil })
            }
        }
        let tenTo38 = (0..<38).reduce(Int128(1)) { product, _ in product * 10 }
        switch field.name {
        case "_op": return texts(["c", "u", "d", "r", "c", "u", "d", "r"])
        case "_deleted": return ColumnData(values: .boolean([false, false, true, false, false, true, false, false]))
        case "_lsn": return int64s([nil, 0, .max, 1, 2, 3, 4, 5])
        case "_source_ts": return int64s([0, -1, 946_684_800_000_000, 946_684_799_999_999, 1_764_000_000_123_456, CivilTime.minimumMicros, CivilTime.maximumMicros, 1])
        case "_kafka_partition": return int32s([0, 1, .max, 2, 3, 4, 5, 6])
        case "_kafka_offset": return int64s([0, .max, 1, 2, 3, 4, 5, 6])
        case "_unchanged": return texts([nil, "", "name,doc", nil, nil, nil, nil, nil])
        case "id": return int64s([.min, .max, 0, -1, 1, 2, 3, 4])
        case "flag": return ColumnData(values: .boolean([true, false, true, false, true, false, true, true]), validity: [true, true, false, true, true, true, true, true])
        case "small": return decimals([-999_999_999, 999_999_999, 0, -1, 1, 100_000, -12_345, nil])
        case "mid": return decimals([-999_999_999_999_999_999, 999_999_999_999_999_999, 0, -1, 10_000, 100_000_000_000_000_000, nil, -100_000])
        // 10^15 - 10^-5 and 10^14 (the most the 15 integer digits of (20,5) hold), zero, ±10^-5.
        case "amount": return decimals([-99_999_999_999_999_999_999, 99_999_999_999_999_999_999, 0, -1, 1, 10_000_000_000_000_000_000, nil, 12_345])
        // ±(10^38 - 1) at scale 10, 10^15 exactly (10^25 unscaled), and 10^15 ± 10^-10.
        case "big": return decimals([-(tenTo38 - 1), tenTo38 - 1, 0, 10_000_000_000_000_000_000_000_000, 9_999_999_999_999_999_999_999_999,
                                     10_000_000_000_000_000_000_000_001, -1, nil])
        case "whole": return decimals([-(tenTo38 - 1), tenTo38 - 1, 0, 10_000, -10_000, 1, 9_999, nil])
        case "ratio":
            return ColumnData(values: .double([-1.25e-300, .nan, .infinity, -.infinity, 0, -0.0, 0.1, 0]), validity: [true, true, true, true, true, true, true, false])
        case "name": return texts(["", "tab\there\nnew \\ back é", "日本語 🚀", nil, "\\N", "a\rb", " ", "plain"])
        case "code": return texts(["abcdefgh", "é", "", nil, "日本語", "x", "12345678", "z"])
        case "doc": return texts([#"{"a": [1, "x\ty"]}"#, "[]", "null", #""é""#, "{}", nil, "1.50", #"{"b": {"c": null}, "a": 2}"#])
        case "ref":
            return texts(["123e4567-e89b-12d3-a456-426614174000", "00000000-0000-0000-0000-000000000000", "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF",
                          "{123e4567e89b12d3a456426614174000}", nil, "a0eebc99-9c0b4ef8-bb6d6bb9-bd380a11", "ffffffff-ffff-ffff-ffff-fffffffffffe", nil])
        // 1 BC-01-01, the epoch, 2000-01-01 and the day before, the earliest and latest dates.
        case "day": return int32s([-719_528, 0, 10_957, 10_956, -1, Int32(CivilTime.maximumDays), Int32(CivilTime.minimumDays), nil])
        case "at": return int64s([0, -1, 946_684_799_999_999, 946_684_800_000_000, CivilTime.maximumMicros, CivilTime.minimumMicros, -62_135_596_800_000_001, nil])
        case "atz": return int64s([nil, CivilTime.minimumMicros, CivilTime.maximumMicros, 1_764_000_000_123_456, -1, 0, 946_684_800_000_001, 4_102_444_800_000_000])
        case "tod", "todz": return int64s([0, 86_399_999_999, nil, 1, 2, 3, 4, 5])
        case "raw":
            var bytes = ByteArrayValues()
            for value: [UInt8] in [[0x00, 0x5C, 0xFF], [], [0x0A], [0x09, 0x0D], [], Array("\\x".utf8), [0xFF], []] { bytes.append(value) }
            return ColumnData(values: .byteArray(bytes), validity: [true, true, true, true, false, true, true, true])
        default: throw TestFailure("no values for the staged column \(field.name)")
        }
    }

    struct TestFailure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// The staged files: the rows split over two files (the second written in two row groups),
    /// so the binary header and trailer frame several files and chunks once.
    static func stage(into store: LocalStagingStore) throws -> [StagedFile] {
        let schema = definition.stagingSchema
        let columns = try schema.fields.map(column)
        var files: [StagedFile] = []
        for (index, rows) in [0..<3, 3..<rowCount].enumerated() {
            let sink = MemorySink()
            var properties = WriterProperties()
            properties.rowGroupRowLimit = 2
            let writer = try ParquetWriter(schema: schema, sink: sink, properties: properties)
            try writer.append(ColumnBatch(columns: columns.map { slice($0, rows) }))
            _ = try writer.close()
            let key = "copy_binary/2026/12/07/16/part-\(index).parquet"
            try store.put(key, data: sink.bytes)
            files.append(StagedFile(key: key, table: definition.name, schemaVersion: 1, hour: "2026-12-07T16", rows: rows.count, bytes: Int64(sink.bytes.count)))
        }
        return files
    }

    /// Rows `rows` of `column`.
    static func slice(_ column: ColumnData, _ rows: Range<Int>) -> ColumnData {
        let validity = column.validity.map { Array($0[rows]) }
        switch column.values {
        case .boolean(let values): return ColumnData(values: .boolean(Array(values[rows])), validity: validity)
        case .int32(let values): return ColumnData(values: .int32(Array(values[rows])), validity: validity)
        case .int64(let values): return ColumnData(values: .int64(Array(values[rows])), validity: validity)
        case .float(let values): return ColumnData(values: .float(Array(values[rows])), validity: validity)
        case .double(let values): return ColumnData(values: .double(Array(values[rows])), validity: validity)
        case .byteArray(let values):
            var sliced = ByteArrayValues()
            for row in rows { sliced.append(values.bytes[values.offsets[row]..<values.offsets[row + 1]]) }
            return ColumnData(values: .byteArray(sliced), validity: validity)
        case .fixedLenByteArray(let values):
            let width = values.width
            return ColumnData(values: .fixedLenByteArray(.init(bytes: Array(values.bytes[(rows.lowerBound * width)..<(rows.upperBound * width)]), width: width)),
                              validity: validity)
        }
    }

    /// Loads `files` into a new table `table` with an executor preferring `format`.
    static func load(_ files: [StagedFile], from store: LocalStagingStore, into table: String, format: CopyFormat, url: String) async throws {
        let create = definition.stagingTableSQL(named: table, dialect: .postgres).replacingOccurrences(of: "CREATE TEMP TABLE", with: "CREATE TABLE")
        let copy = StagedCopy(stagingTable: table, definition: definition, files: files, manifest: Manifest(key: "", json: ""), statement: "")
        let plan = LoadPlan(loadID: "copy-\(format)", table: definition.name, batches: [], steps: [.sql(create), .copy(copy)])
        let executor = PostgresExecutor(url: try PostgresURL(url), password: nil, dialect: .postgres, logger: Logger(label: "test"), copyFormat: format)
        defer { Task { await executor.close() } }
        try await executor.load(plan, store: store, crashHook: nil)
    }

    static var binaryTypes: [CopyBinaryType?] {
        definition.stagedColumnIndices.map { CopyBinaryType(sqlType: definition.columns[$0].sqlType(.postgres)) }
    }

    @Test("binary and text COPY of the same staged rows leave equal tables, edge values of every staged type included")
    func binaryEqualsText() async throws {
        let servers = try TestServers.require()
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let store = try LocalStagingStore(root: folder.url)
        let files = try Self.stage(into: store)
        let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let (binary, text) = ("copy_bin_\(suffix)", "copy_txt_\(suffix)")
        let probe = PostgresProbe(url: servers.postgresURL, schema: "public")

        // The chosen formats, as the executor chooses them.
        #expect(!Self.binaryTypes.contains(nil), "every staging column type has a binary form")
        let binaryRows = StagedRows(store: store, files: files, expectedColumns: Self.definition.stagingSchema.fields.map(\.name),
                                    binaryTypes: Self.binaryTypes.compactMap { $0 })
        #expect(try binaryRows.prepare().format == .binary)
        let textRows = StagedRows(store: store, files: files, expectedColumns: Self.definition.stagingSchema.fields.map(\.name))
        #expect(try textRows.prepare().format == .text)

        try await Self.load(files, from: store, into: binary, format: .binary, url: servers.postgresURL)
        try await Self.load(files, from: store, into: text, format: .text, url: servers.postgresURL)
        defer { Task { try? await probe.execute("DROP TABLE IF EXISTS \(binary), \(text)") } }

        #expect(try await probe.value("SELECT count(*) FROM \(binary)") == "\(Self.rowCount)")
        #expect(try await probe.value("SELECT count(*) FROM \(text)") == "\(Self.rowCount)")
        #expect(try await probe.value("SELECT count(*) FROM (SELECT * FROM \(binary) EXCEPT ALL SELECT * FROM \(text)) d") == "0")
        #expect(try await probe.value("SELECT count(*) FROM (SELECT * FROM \(text) EXCEPT ALL SELECT * FROM \(binary)) d") == "0")
        // Column by column too, with the values' text (equality takes -0 for 0): every column's
        // rows, ordered by the key, printed identically (as hex in brackets: psql's lines drop empty ones and split at line breaks).
        for field in Self.definition.stagingSchema.fields {
            let name = "\"\(field.name)\""
            let query = { (table: String) in "SET TIME ZONE 'UTC'; SELECT '[' || coalesce(encode(convert_to(\(name)::text, 'UTF8'), 'hex'), '<NULL>') || ']' FROM \(table) ORDER BY id" }
            let fromBinary = try await probe.rows(query(binary))
            #expect(fromBinary.count == Self.rowCount, "\(field.name)")
            #expect(fromBinary == (try await probe.rows(query(text))), "\(field.name)")
        }

        // And what the server holds, read back, for the values the format converts.
        let rows = try await probe.rows("""
            SET TIME ZONE 'UTC'; SELECT id, small, mid, amount, big, whole, day, at, atz, ref, doc::text, coalesce(name, '<NULL>'), _kafka_partition
            FROM \(binary) ORDER BY id
            """)
        #expect(rows.first == ["-9223372036854775808", "-9999.99999", "-9999999999999.99999", "-999999999999999.99999",
                               "-9999999999999999999999999999.9999999999", "-99999999999999999999999999999999999999", "0001-01-01 BC",
                               "1970-01-01 00:00:00", "", "123e4567-e89b-12d3-a456-426614174000", #"{"a": [1, "x\ty"]}"#, "", "0"])
        let byID = Dictionary(uniqueKeysWithValues: rows.map { ($0[0], $0) })
        #expect(byID["0"].map { Array($0[1...9]) } == ["0.00000", "0.00000", "0.00000", "0.0000000000", "0", "2000-01-01",
                                                      "1999-12-31 23:59:59.999999", "294246-12-31 23:59:59.999999+00", "ffffffff-ffff-ffff-ffff-ffffffffffff"])
        #expect(byID["-1"].map { Array($0[1...8]) } == ["-0.00001", "-0.00001", "-0.00001", "1000000000000000.0000000000", "10000", "1999-12-31",
                                                       "2000-01-01 00:00:00", "2025-11-24 16:00:00.123456+00"])
        #expect(byID["1"].map { Array($0[3...8]) } == ["0.00001", "999999999999999.9999999999", "-10000", "1969-12-31", "294246-12-31 23:59:59.999999",
                                                      "1969-12-31 23:59:59.999999+00"])
        #expect(byID["2"].map { Array($0[3...9]) } == ["100000000000000.00000", "1000000000000000.0000000001", "1", "294246-12-31",
                                                      "4713-01-01 00:00:00 BC", "1970-01-01 00:00:00+00", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"])
        #expect(byID["9223372036854775807"].map { Array($0[1...2]) } == ["9999.99999", "9999999999999.99999"])
    }

    @Test("numeric values are byte for byte what the server's numeric_send gives for the same decimal")
    func numericMatchesNumericSend() async throws {
        let servers = try TestServers.require()
        let probe = PostgresProbe(url: servers.postgresURL, schema: "public")
        var random = SeededRandom(seed: 0x6E75_6D65)
        var cases: [(Int128, Int)] = []
        for scale in [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 19, 37, 38] {
            for _ in 0..<12 {
                // Magnitudes of every length up to 38 digits, both signs, zeros inside and at the end.
                let digits = Int(random.next() % 38) + 1
                var value: Int128 = 0
                for _ in 0..<digits { value = value * 10 + Int128(random.chance(0.3) ? 0 : random.next() % 10) }
                cases.append((random.chance(0.5) ? -value : value, scale))
            }
            cases += [(0, scale), (1, scale), (-1, scale), (10_000, scale), (-100_000_000, scale)]
        }
        let literals = cases.map { value, scale in Self.decimalText(value, scale: scale) }
        let values = zip(literals, cases).enumerated().map { index, pair in
            "(\(index), '\(pair.0)'::numeric(38, \(pair.1.1)))"
        }
        let expected = try await probe.rows(
            "SELECT encode(numeric_send(n), 'hex') FROM (VALUES \(values.joined(separator: ", "))) v(i, n) ORDER BY i"
        ).map { $0[0] }
        let ours = cases.map { value, scale in
            var out: [UInt8] = []
            CopyBinaryEncoder.appendNumeric(value, scale: scale, into: &out)
            return out.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
        }
        #expect(expected.count == cases.count)
        for (index, literal) in literals.enumerated() where index < expected.count {
            #expect(ours[index] == expected[index], "\(literal)")
        }
    }

    /// The decimal text of `unscaled` × 10^-`scale` (the test's own, independent of the encoders).
    static func decimalText(_ unscaled: Int128, scale: Int) -> String {
        var digits = String(unscaled.magnitude)
        if digits.count <= scale { digits = String(repeating: "0", count: scale - digits.count + 1) + digits }
        let point = digits.index(digits.endIndex, offsetBy: -scale)
        return (unscaled < 0 ? "-" : "") + digits[..<point] + (scale > 0 ? "." + digits[point...] : "")
    }

    @Test("a copy whose file's Parquet type has no binary form for its column is sent as text, and says why")
    func textFallback() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let store = try LocalStagingStore(root: folder.url)
        // A BIGINT column staged as a Parquet DOUBLE: the text form lets the server parse it; the
        // binary form would need the value converted, which this encoder does not do.
        let sink = MemorySink()
        let writer = try ParquetWriter(schema: Schema([.double("id", nullable: false)]), sink: sink)
        try writer.append(ColumnBatch(columns: [ColumnData(values: .double([1]))]))
        _ = try writer.close()
        try store.put("t/part.parquet", data: sink.bytes)
        let file = StagedFile(key: "t/part.parquet", table: "t", schemaVersion: 1, hour: "2026-12-07T16", rows: 1, bytes: Int64(sink.bytes.count))
        let rows = StagedRows(store: store, files: [file], expectedColumns: ["id"], binaryTypes: [.int8])
        let (format, reason) = try rows.prepare()
        #expect(format == .text)
        #expect(reason?.contains("id") == true && reason?.contains("no binary form") == true, "\(reason ?? "")")
        #expect(try rows.next() == Array("1.0\n".utf8))
        #expect(try rows.next() == nil)
    }

    @Test("a timestamp PostgreSQL's binary form would read as infinity is refused as data, as the text form refuses it")
    func infinityRefused() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let store = try LocalStagingStore(root: folder.url)
        let sink = MemorySink()
        // timestamp_recv takes INT64_MAX µs since 2000 as 'infinity' (timestamp.c, TIMESTAMP_NOT_FINITE).
        let writer = try ParquetWriter(schema: Schema([.timestamp("at", nullable: false)]), sink: sink)
        try writer.append(ColumnBatch(columns: [ColumnData(values: .int64([Int64.max]))]))
        _ = try writer.close()
        try store.put("t/part.parquet", data: sink.bytes)
        let file = StagedFile(key: "t/part.parquet", table: "t", schemaVersion: 1, hour: "2026-12-07T16", rows: 1, bytes: Int64(sink.bytes.count))
        let rows = StagedRows(store: store, files: [file], expectedColumns: ["at"], binaryTypes: [.timestamp])
        #expect(try rows.prepare().format == .binary)
        #expect {
            _ = try rows.next()
        } throws: { error in
            (error as? LoaderError)?.code == .data && "\(error)".contains("outside the range")
        }
    }
}
