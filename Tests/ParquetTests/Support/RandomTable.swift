import Foundation
import MillraceTesting
import Parquet

/// A random flat table for the property tests: a schema drawn from every type the writer
/// accepts, values with nulls, extremes, empty and long strings, non-ASCII UTF-8, decimals at
/// full precision and negative timestamps, and random writer properties that force many pages,
/// row groups and dictionary fallbacks.
struct RandomTable {
    /// What a column holds; decides its field, its values and how readers render it.
    enum Kind: String, CaseIterable {
        case boolean, int8, int16, int32, int64, rawInt32, rawInt64, float, double, string, json, binary, uuid, date
        case timestampMicros, timestampMillis, decimal32, decimal64, decimalFixed
        /// FIXED_LEN_BYTE_ARRAY without an annotation, some wider than the statistics limit.
        case fixedBinary
    }

    /// One column of the table: its field, kind and every row's value.
    struct Column {
        var field: Field
        var kind: Kind
        var data: ColumnData
        /// DECIMAL scale (0 otherwise).
        var scale: Int { if case .decimal(_, let scale) = field.logicalType { scale } else { 0 } }
    }

    let seed: UInt64
    var columns: [Column] = []
    var rowCount: Int
    var properties = WriterProperties()

    /// The table drawn from `seed`.
    init(seed: UInt64, maxRows: Int = 3_000) {
        self.seed = seed
        var random = SeededRandom(seed: seed)
        rowCount = random.chance(0.1) ? 0 : Int.random(in: 1...maxRows, using: &random)
        let columnCount = Int.random(in: 1...10, using: &random)
        for index in 0..<columnCount {
            let kind = random.pick(Kind.allCases)
            let nullable = random.chance(0.6)
            let field = Self.field(kind, name: "c\(index)_\(kind.rawValue)", nullable: nullable, random: &random)
            let nullRate = nullable ? random.pick([0.0, 0.05, 0.5, 1.0]) : 0
            let data = Self.values(kind, field: field, rows: rowCount, nullRate: nullRate, random: &random)
            columns.append(Column(field: field, kind: kind, data: data))
        }
        properties.dataPageRowLimit = random.pick([7, 64, 500, 20_000])
        properties.dataPageSize = random.pick([64, 1_000, 1 << 20])
        properties.rowGroupRowLimit = random.pick([1, 50, 999, 1 << 20])
        properties.dictionaryPageSizeLimit = random.pick([16, 300, 1 << 20])
        properties.dictionaryEnabled = random.chance(0.8)
        properties.compression = random.chance(0.7) ? .snappy : .uncompressed
        // Drawn last so the draws above (and every seed's table) stay what they were; the round
        // trips then read files encoded on several threads too.
        properties.encodingThreads = random.pick([1, 2, 3, 8])
    }

    var schema: Schema { Schema(columns.map(\.field)) }
    var batch: ColumnBatch { ColumnBatch(columns: columns.map(\.data)) }

    private static func field(_ kind: Kind, name: String, nullable: Bool, random: inout SeededRandom) -> Field {
        switch kind {
        case .boolean: return .boolean(name, nullable: nullable)
        case .int8: return .integer(name, bitWidth: 8, nullable: nullable)
        case .int16: return .integer(name, bitWidth: 16, nullable: nullable)
        case .int32: return .integer(name, bitWidth: 32, nullable: nullable)
        case .int64: return .integer(name, bitWidth: 64, nullable: nullable)
        case .rawInt32: return Field(name: name, physicalType: .int32, repetition: nullable ? .optional : .required)
        case .rawInt64: return Field(name: name, physicalType: .int64, repetition: nullable ? .optional : .required)
        case .float: return .float(name, nullable: nullable)
        case .double: return .double(name, nullable: nullable)
        case .string: return .string(name, nullable: nullable)
        case .json: return .json(name, nullable: nullable)
        case .binary: return .binary(name, nullable: nullable)
        case .uuid: return .uuid(name, nullable: nullable)
        case .fixedBinary:
            let width = random.pick([1, 7, 64, 65, 300])
            return Field(name: name, physicalType: .fixedLenByteArray, repetition: nullable ? .optional : .required, typeLength: width)
        case .date: return .date(name, nullable: nullable)
        case .timestampMicros: return .timestamp(name, unit: .micros, nullable: nullable)
        case .timestampMillis: return .timestamp(name, unit: .millis, nullable: nullable)
        case .decimal32, .decimal64, .decimalFixed:
            let precision = switch kind {
            case .decimal32: Int.random(in: 1...9, using: &random)
            case .decimal64: Int.random(in: 10...18, using: &random)
            default: Int.random(in: 19...38, using: &random)
            }
            return .decimal(name, precision: precision, scale: Int.random(in: 0...precision, using: &random), nullable: nullable)
        }
    }

    private static func values(_ kind: Kind, field: Field, rows: Int, nullRate: Double, random: inout SeededRandom) -> ColumnData {
        let validity = nullRate > 0 ? (0..<rows).map { _ in !random.chance(nullRate) } : nil
        // Few distinct values (dictionary stays) or many (dictionary falls back).
        let distinct = random.pick([1, 3, 40, Int.max])
        var pool: [Int: Int] = [:]
        func slot(_ row: Int) -> Int { distinct == Int.max ? row : row % distinct }
        func integer(_ range: ClosedRange<Int64>, _ extremes: [Int64], _ row: Int) -> Int64 {
            let key = slot(row)
            if let seen = pool[key] { return Int64(seen) }
            let value = random.chance(0.1) ? random.pick(extremes) : Int64.random(in: range, using: &random)
            pool[key] = Int(value)
            return value
        }
        switch kind {
        case .boolean:
            return ColumnData(values: .boolean((0..<rows).map { _ in random.chance(0.3) }), validity: validity)
        case .int8, .int16, .int32, .rawInt32:
            let bits: Int64 = kind == .int8 ? 8 : kind == .int16 ? 16 : 32
            let low = -(Int64(1) << (bits - 1))
            let high = (Int64(1) << (bits - 1)) - 1
            return ColumnData(values: .int32((0..<rows).map { Int32(integer(low...high, [low, high, 0, -1], $0)) }), validity: validity)
        case .int64, .rawInt64:
            return ColumnData(values: .int64((0..<rows).map { integer(Int64.min...Int64.max, [.min, .max, 0, -1], $0) }), validity: validity)
        case .date:
            return ColumnData(values: .int32((0..<rows).map { Int32(integer(-3_000_000...3_000_000, [-719_162, 0, -1], $0)) }), validity: validity)
        case .timestampMicros, .timestampMillis:
            let span: Int64 = kind == .timestampMicros ? 4_000_000_000_000_000 : 4_000_000_000_000
            return ColumnData(values: .int64((0..<rows).map { integer(-span...span, [-span, 0, -1, span], $0) }), validity: validity)
        case .decimal32, .decimal64:
            guard case .decimal(let precision, _) = field.logicalType else { fatalError("decimal kind without DECIMAL") }
            let limit = Self.powerOfTen(precision) - 1
            let values = (0..<rows).map { integer(-Int64(limit)...Int64(limit), [Int64(limit), -Int64(limit), 0], $0) }
            return ColumnData(values: kind == .decimal32 ? .int32(values.map { Int32($0) }) : .int64(values), validity: validity)
        case .decimalFixed:
            guard case .decimal(let precision, _) = field.logicalType else { fatalError("decimal kind without DECIMAL") }
            let limit = Self.powerOfTen(precision) - 1
            var bytes: [UInt8] = []
            var cache: [Int: Int128] = [:]
            for row in 0..<rows {
                let key = slot(row)
                let extremes: [Int128] = [limit, -limit, 0]
                let value: Int128 = cache[key] ?? (random.chance(0.2) ? random.pick(extremes) : Int128.random(in: -limit...limit, using: &random))
                cache[key] = value
                bytes += Self.bigEndian(value, width: field.typeLength)
            }
            return ColumnData(values: .fixedLenByteArray(FixedLenByteArrayValues(bytes: bytes, width: field.typeLength)), validity: validity)
        case .float:
            return ColumnData(values: .float((0..<rows).map { _ in Float(Self.float(&random)) }), validity: validity)
        case .double:
            return ColumnData(values: .double((0..<rows).map { _ in Self.float(&random) }), validity: validity)
        case .string, .json, .binary:
            var strings: [Int: [UInt8]] = [:]
            var out = ByteArrayValues()
            for row in 0..<rows {
                let key = slot(row)
                let value = strings[key] ?? Self.text(kind, &random)
                strings[key] = value
                out.append(value)
            }
            return ColumnData(values: .byteArray(out), validity: validity)
        case .uuid, .fixedBinary:
            let width = field.typeLength
            var bytes: [UInt8] = []
            for row in 0..<rows {
                // A few values repeat (dictionary-encoded chunks), the others are random.
                if row > 0 && random.chance(0.2) {
                    bytes += bytes[(row - 1) * width..<row * width]
                } else {
                    bytes += (0..<width).map { _ in UInt8.random(in: 0...255, using: &random) }
                }
            }
            return ColumnData(values: .fixedLenByteArray(FixedLenByteArrayValues(bytes: bytes, width: width)), validity: validity)
        }
    }

    private static func float(_ random: inout SeededRandom) -> Double {
        if random.chance(0.15) {
            return random.pick([.nan, 0.0, -0.0, .infinity, -.infinity, .leastNonzeroMagnitude, -.greatestFiniteMagnitude, 1, -1])
        }
        return Double.random(in: -1e6...1e6, using: &random)
    }

    private static func text(_ kind: Kind, _ random: inout SeededRandom) -> [UInt8] {
        if kind == .binary {
            let length = random.pick([0, 1, 5, 64, 65, 200])
            let high = random.chance(0.2)
            return (0..<length).map { _ in high ? 0xFF : UInt8.random(in: 0...255, using: &random) }
        }
        let fixed = ["", "a", "é", "日本語", "🚀", String(repeating: "\u{10FFFF}", count: 20), String(repeating: "z", count: 63) + "é"]
        if random.chance(0.3) { return Array((kind == .json ? Self.jsonString(random.pick(fixed)) : random.pick(fixed)).utf8) }
        let alphabets: [ClosedRange<UInt32>] = [0x20...0x7E, 0xA0...0x17F, 0x4E00...0x4FFF, 0x1F600...0x1F64F]
        let length = random.pick([1, 10, 63, 64, 65, 130])
        var scalars = String.UnicodeScalarView()
        for _ in 0..<length {
            let range = random.pick(alphabets)
            if let scalar = Unicode.Scalar(UInt32.random(in: range, using: &random)) { scalars.append(scalar) }
        }
        let text = String(scalars)
        return Array((kind == .json ? "{\"k\": \(Self.jsonString(text))}" : text).utf8)
    }

    /// A JSON string literal (the alphabets above hold no control characters).
    private static func jsonString(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    static func powerOfTen(_ exponent: Int) -> Int128 {
        (0..<exponent).reduce(Int128(1)) { value, _ in value * 10 }
    }

    static func bigEndian(_ value: Int128, width: Int) -> [UInt8] {
        (0..<width).map { UInt8(truncatingIfNeeded: value >> (8 * (width - 1 - $0))) }
    }
}
