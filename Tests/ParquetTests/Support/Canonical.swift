import Parquet

/// Canonical strings for values and statistics, the common language of the property tests:
/// the Swift side renders the generated data this way, and the pyarrow/DuckDB oracle renders
/// what it reads the same way, so comparisons are string equality.
///
/// Values: `null`; `true`/`false`; integers (dates, timestamps, INT32/INT64 decimals and, for
/// FIXED_LEN_BYTE_ARRAY decimals, the unscaled value) in decimal; floats as the hex of their
/// bits (`nan` for NaN); bytes (strings included) in lowercase hex.
enum Canonical {
    static func value(_ column: RandomTable.Column, row: Int) -> String {
        value(column.data, kind: column.kind, row: row)
    }

    static func value(_ data: ColumnData, kind: RandomTable.Kind, row: Int) -> String {
        value(data, row: row) { bytes in kind == .decimalFixed ? String(integer(bigEndian: bytes)) : hex(bytes) }
    }

    /// Row `row` of `data` in canonical form, byte values rendered by `bytes` (their meaning
    /// depends on the column: hex, a decimal's unscaled integer, an INT96 timestamp).
    static func value(_ data: ColumnData, row: Int, bytes render: ([UInt8]) -> String) -> String {
        if data.isNull(row) { return "null" }
        switch data.values {
        case .boolean(let v): return v[row] ? "true" : "false"
        case .int32(let v): return String(v[row])
        case .int64(let v): return String(v[row])
        case .float(let v): return v[row].isNaN ? "nan" : String(v[row].bitPattern, radix: 16)
        case .double(let v): return v[row].isNaN ? "nan" : String(v[row].bitPattern, radix: 16)
        case .byteArray, .fixedLenByteArray: return render(data.bytes(at: row))
        }
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String($0, radix: 16).leftPadded(2) }.joined()
    }

    static func integer(bigEndian bytes: [UInt8]) -> Int128 {
        bytes.reduce(bytes.first.map { $0 & 0x80 != 0 ? Int128(-1) : 0 } ?? 0) { $0 << 8 | Int128($1) }
    }
}

/// What a column chunk's statistics must say, computed the obvious way from the data.
struct ExpectedStatistics: Equatable {
    var nullCount: Int
    /// Bounds in the physical canonical form (numbers, float bits, bytes in hex); nil when
    /// every value is null or NaN.
    var min: String?
    var max: String?
    var minIsExact = true
    var maxIsExact = true
    /// The true bounds' bytes, for checking truncated bounds as properties.
    var minBytes: [UInt8] = []
    var maxBytes: [UInt8] = []

    init(_ column: RandomTable.Column, rows: Range<Int>, truncateLength: Int = 64) {
        let data = column.data
        let present = rows.filter { !data.isNull($0) }
        nullCount = rows.count - present.count
        switch data.values {
        case .boolean(let v):
            let values = present.map { v[$0] }
            guard !values.isEmpty else { return }
            min = values.contains(false) ? "false" : "true"
            max = values.contains(true) ? "true" : "false"
        case .int32(let v):
            guard let low = present.map({ v[$0] }).min(), let high = present.map({ v[$0] }).max() else { return }
            (min, max) = (String(low), String(high))
        case .int64(let v):
            guard let low = present.map({ v[$0] }).min(), let high = present.map({ v[$0] }).max() else { return }
            (min, max) = (String(low), String(high))
        case .float(let v):
            let values = present.map { v[$0] }.filter { !$0.isNaN }
            guard let low = values.min(), let high = values.max() else { return }
            // parquet.thrift: a zero minimum is written -0.0, a zero maximum +0.0.
            (min, max) = (String((low == 0 ? -0.0 : low).bitPattern, radix: 16), String((high == 0 ? 0.0 : high).bitPattern, radix: 16))
        case .double(let v):
            let values = present.map { v[$0] }.filter { !$0.isNaN }
            guard let low = values.min(), let high = values.max() else { return }
            (min, max) = (String((low == 0 ? -0.0 : low).bitPattern, radix: 16), String((high == 0 ? 0.0 : high).bitPattern, radix: 16))
        case .byteArray, .fixedLenByteArray:
            let values = present.map { data.bytes(at: $0) }
            let signed = column.kind == .decimalFixed
            let sorted = values.sorted { a, b in
                signed ? Canonical.integer(bigEndian: a) < Canonical.integer(bigEndian: b) : a.lexicographicallyPrecedes(b)
            }
            guard let low = sorted.first, let high = sorted.last else { return }
            (minBytes, maxBytes) = (low, high)
            (min, max) = (Canonical.hex(low), Canonical.hex(high))
            // FIXED_LEN_BYTE_ARRAY wider than the limit (not decimals, not UUIDs) has no bounds.
            if column.kind == .fixedBinary && column.field.typeLength > truncateLength {
                (minBytes, maxBytes) = ([], [])
                (min, max) = (nil, nil)
            }
            if case .byteArray = data.values {
                minIsExact = low.count <= truncateLength
                maxIsExact = high.count <= truncateLength || !Self.canIncrement(high, limit: truncateLength, utf8: column.kind != .binary)
            }
        }
    }

    /// Whether a shortened upper bound exists: some byte (binary) or character (UTF-8) of the
    /// prefix can be incremented.
    static func canIncrement(_ value: [UInt8], limit: Int, utf8: Bool) -> Bool {
        guard utf8 else { return value.prefix(limit).contains { $0 != 0xFF } }
        var cut = limit
        while cut > 0 && value[cut] & 0xC0 == 0x80 { cut -= 1 }
        return String(decoding: value.prefix(cut), as: UTF8.self).unicodeScalars.contains { $0.value != 0x10FFFF }
    }

    /// Checks bounds read from a file against these (exact bounds must be equal; truncated
    /// ones must bound the true ones from the right side within the limit). Returns problems.
    func problems(min readMin: String?, max readMax: String?, truncateLength: Int = 64, utf8: Bool) -> [String] {
        var problems: [String] = []
        if minIsExact {
            if readMin != min { problems.append("min \(readMin ?? "nil") != \(min ?? "nil")") }
        } else if let readMin, let bytes = Self.bytes(hex: readMin) {
            if bytes.count > truncateLength || !minBytes.starts(with: bytes) { problems.append("truncated min \(readMin) is not a short prefix of \(min ?? "")") }
        } else {
            problems.append("missing truncated min")
        }
        if maxIsExact {
            if readMax != max { problems.append("max \(readMax ?? "nil") != \(max ?? "nil")") }
        } else if let readMax, let bytes = Self.bytes(hex: readMax) {
            if bytes.count > truncateLength || !maxBytes.lexicographicallyPrecedes(bytes) { problems.append("truncated max \(readMax) does not bound \(max ?? "")") }
            if utf8 && String(validating: bytes, as: UTF8.self) == nil { problems.append("truncated max \(readMax) is not UTF-8") }
        } else {
            problems.append("missing truncated max")
        }
        return problems
    }

    static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        return stride(from: 0, to: digits.count, by: 2).compactMap { UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16) }
    }
}

extension String {
    /// Left-padded with zeros to `width`.
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
