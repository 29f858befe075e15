/// A statistics bound decoded from its PLAIN bytes.
public enum StatisticValue: Sendable, Hashable, CustomStringConvertible {
    /// BOOLEAN.
    case boolean(Bool)
    /// INT32 (also DATE, INTEGER(8/16/32), DECIMAL with precision ≤ 9).
    case int32(Int32)
    /// INT64 (also TIMESTAMP, DECIMAL with precision ≤ 18).
    case int64(Int64)
    /// FLOAT.
    case float(Float)
    /// DOUBLE.
    case double(Double)
    /// BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY or INT96 bytes.
    case bytes([UInt8])

    /// Decodes a PLAIN-encoded bound; nil when its length does not fit the type.
    public init?(plain bytes: [UInt8], physicalType: PhysicalType) {
        func load<T: FixedWidthInteger>(_: T.Type) -> T? {
            guard bytes.count == MemoryLayout<T>.size else { return nil }
            return bytes.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(as: T.self)) }
        }
        switch physicalType {
        case .boolean:
            guard bytes.count == 1 else { return nil }
            self = .boolean(bytes[0] != 0)
        case .int32: guard let v = load(Int32.self) else { return nil }; self = .int32(v)
        case .int64: guard let v = load(Int64.self) else { return nil }; self = .int64(v)
        case .float: guard let v = load(UInt32.self) else { return nil }; self = .float(Float(bitPattern: v))
        case .double: guard let v = load(UInt64.self) else { return nil }; self = .double(Double(bitPattern: v))
        case .byteArray, .fixedLenByteArray, .int96: self = .bytes(bytes)
        }
    }

    /// The value, with bytes in hex.
    public var description: String {
        switch self {
        case .boolean(let v): "\(v)"
        case .int32(let v): "\(v)"
        case .int64(let v): "\(v)"
        case .float(let v): "\(v)"
        case .double(let v): "\(v)"
        case .bytes(let v): "0x" + v.map { String($0, radix: 16).leftPadded(to: 2) }.joined()
        }
    }

    /// True when `self` sorts before `other` in a column's sort order; `signedBytes` selects
    /// the signed order of DECIMAL on FIXED_LEN_BYTE_ARRAY.
    func sorts(before other: StatisticValue, signedBytes: Bool) -> Bool {
        switch (self, other) {
        case (.boolean(let a), .boolean(let b)): return !a && b
        case (.int32(let a), .int32(let b)): return a < b
        case (.int64(let a), .int64(let b)): return a < b
        case (.float(let a), .float(let b)): return a < b
        case (.double(let a), .double(let b)): return a < b
        case (.bytes(let a), .bytes(let b)):
            return a.withUnsafeBytes { x in
                b.withUnsafeBytes { y in
                    guard let p = x.baseAddress, let q = y.baseAddress else { return x.count < y.count }
                    if signedBytes && x.count == y.count { return Bytes.compareSignedBigEndian(p, q, count: x.count) < 0 }
                    return Bytes.compare(p, x.count, q, y.count) < 0
                }
            }
        default: return false
        }
    }
}

/// One column over a whole written file.
public struct ColumnSummary: Sendable, Hashable {
    /// Column name.
    public var name: String
    /// Null rows in the file.
    public var nullCount: Int64
    /// Smallest non-null value (truncated for long byte arrays), or nil when all were null.
    public var min: StatisticValue?
    /// Largest non-null value (truncated upwards for long byte arrays), or nil.
    public var max: StatisticValue?
    /// False when `min` is a truncated lower bound.
    public var isMinExact: Bool
    /// False when `max` is a truncated upper bound.
    public var isMaxExact: Bool
    /// Bytes of the column in the file, page headers included.
    public var compressedSize: Int64
    /// Bytes of the column before compression, page headers included.
    public var uncompressedSize: Int64
}

/// What `ParquetWriter.close()` reports about the file it finished.
public struct FileSummary: Sendable, Hashable {
    /// Exact size of the file in bytes (a Redshift manifest's `meta.content_length`).
    public var fileSize: Int64
    /// Rows in the file.
    public var rowCount: Int64
    /// Row groups in the file.
    public var rowGroupCount: Int
    /// Per-column statistics over the whole file, in schema order.
    public var columns: [ColumnSummary]
    /// The footer as written.
    public var metadata: FileMetadata

    /// Summarizes `metadata` for `schema`, the schema the file was written with.
    init(metadata: FileMetadata, schema: Schema, fileSize: Int64) {
        self.fileSize = fileSize
        rowCount = metadata.numRows
        rowGroupCount = metadata.rowGroups.count
        self.metadata = metadata
        columns = schema.fields.enumerated().map { index, field in
            var summary = ColumnSummary(
                name: field.name, nullCount: 0, isMinExact: true, isMaxExact: true, compressedSize: 0, uncompressedSize: 0
            )
            let signedBytes: Bool
            if case .decimal = field.logicalType { signedBytes = true } else { signedBytes = false }
            for group in metadata.rowGroups where index < group.columns.count {
                let chunk = group.columns[index]
                summary.compressedSize += chunk.totalCompressedSize
                summary.uncompressedSize += chunk.totalUncompressedSize
                guard let stats = chunk.statistics else { continue }
                summary.nullCount += stats.nullCount ?? 0
                if let bytes = stats.minValue, let value = StatisticValue(plain: bytes, physicalType: field.physicalType),
                    summary.min.map({ value.sorts(before: $0, signedBytes: signedBytes) }) ?? true
                {
                    summary.min = value
                    summary.isMinExact = stats.isMinValueExact ?? true
                }
                if let bytes = stats.maxValue, let value = StatisticValue(plain: bytes, physicalType: field.physicalType),
                    summary.max.map({ $0.sorts(before: value, signedBytes: signedBytes) }) ?? true
                {
                    summary.max = value
                    summary.isMaxExact = stats.isMaxValueExact ?? true
                }
            }
            return summary
        }
    }
}

extension String {
    /// The string with leading zeros up to `width` characters.
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
