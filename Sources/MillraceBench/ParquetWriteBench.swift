import ArgumentParser
import Foundation
import Parquet

/// `millrace-bench parquet-write`: the Parquet writer on rows shaped like `fact_entity_values`.
///
/// `--generate DIR` writes a seeded, deterministic data set as raw column files, which
/// `scripts/bench/bench_parquet_writer.py` loads into pyarrow, so both writers encode exactly
/// the same values. `--input DIR` loads those files (untimed) and times only `append` and
/// `close`. `--synthetic-rows N` generates batches on the fly, for the memory run over a file
/// of gigabytes. Each run prints one JSON line: seconds, rows, bytes.
struct ParquetWriteBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parquet-write",
        abstract: "Time the Parquet writer on fact_entity_values-shaped rows."
    )

    @Option(help: "Write the data set as raw column files into this folder, then exit.")
    var generate: String?
    @Option(help: "Read the data set from this folder and write it as Parquet.")
    var input: String?
    @Option(help: "Generate this many rows on the fly and write them (memory run).")
    var syntheticRows: Int?
    @Option(help: "Rows in the generated data set.")
    var rows = 5_000_000
    @Option(help: "Seed of the generator.")
    var seed: UInt64 = 42
    @Option(help: "Rows per appended batch.")
    var batchRows = 65_536
    @Option(help: "The Parquet file to write.")
    var output: String?
    @Option(help: "With --input: write the data this many times, into the same file (for profilers).")
    var repetitions = 1

    func validate() throws {
        guard [generate, input, syntheticRows.map(String.init)].compactMap({ $0 }).count == 1 else {
            throw ValidationError("give exactly one of --generate, --input, --synthetic-rows")
        }
        if generate == nil && output == nil { throw ValidationError("--output is required") }
        guard batchRows > 0, rows > 0 else { throw ValidationError("--rows and --batch-rows must be positive") }
    }

    func run() throws {
        if let generate {
            try FactRows.generate(rows: rows, seed: seed).save(to: generate)
            return
        }
        guard let output else { return }
        let sink = try FileSink(path: output)
        let writer = try ParquetWriter(schema: FactRows.schema, sink: sink)
        var elapsed = Duration.zero
        if let input {
            let batches = try FactRows.loadBatches(from: input, batchRows: batchRows)
            elapsed = try ContinuousClock().measure {
                for _ in 0..<repetitions {
                    for batch in batches { try writer.append(batch) }
                }
                _ = try writer.close()
            }
        } else if let total = syntheticRows {
            // Generation is outside the timed region; memory is what this run shows.
            var generator = FactRows.Generator(seed: seed)
            var written = 0
            while written < total {
                let batch = generator.next(min(batchRows, total - written)).batches(of: batchRows)[0]
                elapsed += try ContinuousClock().measure { try writer.append(batch) }
                written += batch.rowCount
            }
            elapsed += try ContinuousClock().measure { _ = try writer.close() }
        }
        try sink.close()
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("{\"seconds\": \(seconds), \"rows\": \(writer.rowCount), \"bytes\": \(writer.bytesWritten)}")
    }
}

/// Rows shaped like `fact_entity_values`: ids, low-cardinality strings, a nullable
/// DECIMAL(20,5), timestamps in microseconds, a version, nullable strings and booleans.
struct FactRows {
    /// How a column is stored in the raw files and which Parquet field it becomes.
    enum Kind: String { case int64, int32, timestampMicros = "timestamp_us", string, decimal = "decimal_20_5", boolean = "bool" }

    static let columns: [(name: String, kind: Kind, nullable: Bool)] = [
        ("entity_id", .int64, false), ("attribute_id", .int32, false), ("value_id", .int64, false),
        ("version", .int64, false), ("event_time", .timestampMicros, false), ("op", .string, false),
        ("entity_type", .string, false), ("attribute_name", .string, false), ("value_type", .string, false),
        ("value_text", .string, true), ("value_numeric", .decimal, true), ("value_bool", .boolean, true),
        ("source_lsn", .int64, false), ("ingested_at", .timestampMicros, false), ("tenant_id", .int32, false),
        ("is_deleted", .boolean, false),
    ]

    static var schema: Schema {
        Schema(columns.map { name, kind, nullable in
            switch kind {
            case .int64: .integer(name, bitWidth: 64, nullable: nullable)
            case .int32: .integer(name, bitWidth: 32, nullable: nullable)
            case .timestampMicros: .timestamp(name, nullable: nullable)
            case .string: .string(name, nullable: nullable)
            case .decimal: .decimal(name, precision: 20, scale: 5, nullable: nullable)
            case .boolean: .boolean(name, nullable: nullable)
            }
        })
    }

    /// Integers of every numeric column (booleans as 0/1, decimals unscaled), by column.
    var numbers: [[Int64]] = Array(repeating: [], count: FactRows.columns.count)
    /// Strings of every string column, by column.
    var strings: [[String]] = Array(repeating: [], count: FactRows.columns.count)
    /// Validity of every column (all true for required ones).
    var valid: [[Bool]] = Array(repeating: [], count: FactRows.columns.count)
    var count = 0

    /// The deterministic row generator.
    struct Generator {
        private var state: UInt64
        private var row = 0
        private var lsn: Int64 = 1_000_000

        init(seed: UInt64) { state = seed }

        private mutating func random() -> UInt64 {
            // SplitMix64.
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }

        private mutating func below(_ bound: UInt64) -> Int64 { Int64(random() % bound) }

        static let entityTypes = ["customer", "order", "invoice", "product", "shipment", "account", "ticket", "device",
                                  "campaign", "contract", "payment", "refund", "supplier", "warehouse", "employee",
                                  "project", "task", "lead", "opportunity", "subscription"]
        static let valueTypes = ["string", "numeric", "boolean", "date", "json"]

        mutating func next(_ n: Int) -> FactRows {
            var rows = FactRows()
            rows.count = n
            for _ in 0..<n {
                let attribute = 1 + below(400)
                let eventTime: Int64 = 1_795_000_000_000_000 + Int64(row) * 720 + below(5_000)
                lsn += 1 + below(1_000)
                let roll = below(100)
                let text: String? = roll < 50 ? "value-\(below(5_000))" : nil
                let numeric: Int64? = below(100) < 40 ? below(2_000_000_000_000) - 1_000_000_000_000 : nil
                let flag: Int64? = below(100) < 15 ? below(2) : nil
                let ints: [Int64?] = [
                    1 + below(2_000_000), attribute, 10_000_000_000 + Int64(row), 1 + below(50), eventTime, nil, nil, nil, nil,
                    nil, numeric, flag, lsn, eventTime + 200_000 + below(3_000_000), 1 + below(50), below(100) < 2 ? 1 : 0,
                ]
                let roll2 = below(100)
                let texts: [String?] = [
                    nil, nil, nil, nil, nil, roll2 < 70 ? "c" : roll2 < 95 ? "u" : "d",
                    Self.entityTypes[Int(below(20))], "attr_\(attribute)", Self.valueTypes[Int(attribute % 5)], text,
                    nil, nil, nil, nil, nil, nil,
                ]
                for (c, column) in FactRows.columns.enumerated() {
                    let present = column.kind == .string ? texts[c] != nil : ints[c] != nil
                    rows.valid[c].append(present)
                    if column.kind == .string { rows.strings[c].append(texts[c] ?? "") } else { rows.numbers[c].append(ints[c] ?? 0) }
                }
                row += 1
            }
            return rows
        }
    }

    static func generate(rows: Int, seed: UInt64) -> FactRows {
        var generator = Generator(seed: seed)
        return generator.next(rows)
    }

    /// Raw files: `schema.tsv`, then per column `N.data` (little-endian int64, int32 or one
    /// byte per boolean; string bytes), `N.offsets` (int32, strings) and `N.valid` (bytes).
    func save(to folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let lines = Self.columns.map { "\($0.name)\t\($0.kind.rawValue)\t\($0.nullable ? 1 : 0)" }
        try (lines.joined(separator: "\n") + "\n").write(toFile: "\(folder)/schema.tsv", atomically: true, encoding: .utf8)
        for (c, column) in Self.columns.enumerated() {
            var data = Data()
            switch column.kind {
            case .string:
                var offsets: [Int32] = [0]
                for text in strings[c] {
                    data.append(contentsOf: Array(text.utf8))
                    offsets.append(Int32(data.count))
                }
                try offsets.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: "\(folder)/\(c).offsets")) }
            case .int32: numbers[c].map { Int32($0) }.withUnsafeBytes { data.append(contentsOf: $0) }
            case .boolean: data.append(contentsOf: numbers[c].map { UInt8($0) })
            case .int64, .timestampMicros, .decimal: numbers[c].withUnsafeBytes { data.append(contentsOf: $0) }
            }
            try data.write(to: URL(fileURLWithPath: "\(folder)/\(c).data"))
            try Data(valid[c].map { $0 ? 1 : 0 }).write(to: URL(fileURLWithPath: "\(folder)/\(c).valid"))
        }
    }

    /// Batches of at most `size` rows straight from the raw files, without an intermediate
    /// copy, so the input costs about what pyarrow's table does.
    static func loadBatches(from folder: String, batchRows size: Int) throws -> [ColumnBatch] {
        func file(_ name: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: "\(folder)/\(name)")) }
        var loaded: [[ColumnData]] = []
        for (c, column) in FactRows.columns.enumerated() {
            let data = try file("\(c).data")
            let valid = try file("\(c).valid")
            let count = valid.count
            var slices: [ColumnData] = []
            for start in stride(from: 0, to: count, by: size) {
                let range = start..<min(start + size, count)
                let validity = column.nullable ? valid[range].map { $0 != 0 } : nil
                let values: ColumnValues
                switch column.kind {
                case .int64, .timestampMicros: values = .int64(data.typed(Int64.self, range))
                case .int32: values = .int32(data.typed(Int32.self, range))
                case .boolean: values = .boolean(data[range].map { $0 != 0 })
                case .decimal:
                    var bytes: [UInt8] = []
                    bytes.reserveCapacity(range.count * 9)
                    for value in data.typed(Int64.self, range) {
                        // Nine bytes, big-endian two's complement (FIXED_LEN_BYTE_ARRAY for precision 20).
                        bytes.append(value < 0 ? 0xFF : 0)
                        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> Int64(shift))) }
                    }
                    values = .fixedLenByteArray(FixedLenByteArrayValues(bytes: bytes, width: 9))
                case .string:
                    let offsets = try file("\(c).offsets").typed(Int32.self, range.lowerBound..<range.upperBound + 1)
                    let first = Int(offsets[0])
                    values = .byteArray(ByteArrayValues(bytes: Array(data[first..<Int(offsets[offsets.count - 1])]), offsets: offsets.map { Int($0) - first }))
                }
                slices.append(ColumnData(values: values, validity: validity))
            }
            loaded.append(slices)
        }
        return (0..<(loaded.first?.count ?? 0)).map { b in ColumnBatch(columns: loaded.map { $0[b] }) }
    }

    /// The rows as column batches of at most `size` rows, in the writer's representation.
    func batches(of size: Int) -> [ColumnBatch] {
        stride(from: 0, to: count, by: size).map { start in
            let range = start..<min(start + size, count)
            return ColumnBatch(columns: Self.columns.enumerated().map { c, column in
                let validity = column.nullable ? Array(valid[c][range]) : nil
                switch column.kind {
                case .int64, .timestampMicros: return ColumnData(values: .int64(Array(numbers[c][range])), validity: validity)
                case .int32: return ColumnData(values: .int32(numbers[c][range].map { Int32($0) }), validity: validity)
                case .boolean: return ColumnData(values: .boolean(numbers[c][range].map { $0 != 0 }), validity: validity)
                case .string:
                    var values = ByteArrayValues()
                    for text in strings[c][range] { values.append(text.utf8) }
                    return ColumnData(values: .byteArray(values), validity: validity)
                case .decimal:
                    var bytes: [UInt8] = []
                    bytes.reserveCapacity(range.count * 9)
                    for value in numbers[c][range] {
                        // Nine bytes, big-endian two's complement (FIXED_LEN_BYTE_ARRAY for precision 20).
                        bytes.append(value < 0 ? 0xFF : 0)
                        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> Int64(shift))) }
                    }
                    return ColumnData(values: .fixedLenByteArray(FixedLenByteArrayValues(bytes: bytes, width: 9)), validity: validity)
                }
            })
        }
    }
}

extension Data {
    /// Elements `range` of the little-endian values of `T` this data holds.
    func typed<T: BitwiseCopyable>(_: T.Type, _ range: Range<Int>) -> [T] {
        withUnsafeBytes { raw in
            Array(UnsafeBufferPointer(rebasing: raw.bindMemory(to: T.self)[range]))
        }
    }
}
