/// A column chunk's statistics as stored in the footer (parquet-format `Statistics`).
///
/// Values are PLAIN-encoded without a length prefix: 4 or 8 little-endian bytes for numbers, the
/// raw bytes for byte arrays. `minValue`/`maxValue` follow the column's sort order
/// (parquet.thrift `ColumnOrder`); `legacyMin`/`legacyMax` are the deprecated fields, which this
/// writer also fills for signed-ordered columns because older readers consult only them.
public struct Statistics: Sendable, Hashable {
    /// Number of null rows. The writer always sets it (Redshift relies on it).
    public var nullCount: Int64?
    /// Number of distinct values, if the writer counted them (this one does not).
    public var distinctCount: Int64?
    /// Lower bound of the non-null, non-NaN values.
    public var minValue: [UInt8]?
    /// Upper bound of the non-null, non-NaN values.
    public var maxValue: [UInt8]?
    /// False when `minValue` was truncated (it is then a strict lower bound).
    public var isMinValueExact: Bool?
    /// False when `maxValue` was truncated (it is then a strict upper bound).
    public var isMaxValueExact: Bool?
    /// Deprecated `min` (parquet.thrift field 2): signed comparison only.
    public var legacyMin: [UInt8]?
    /// Deprecated `max` (parquet.thrift field 1): signed comparison only.
    public var legacyMax: [UInt8]?

    /// Statistics with every attribute spelled out.
    public init(
        nullCount: Int64? = nil, distinctCount: Int64? = nil, minValue: [UInt8]? = nil, maxValue: [UInt8]? = nil,
        isMinValueExact: Bool? = nil, isMaxValueExact: Bool? = nil, legacyMin: [UInt8]? = nil, legacyMax: [UInt8]? = nil
    ) {
        self.nullCount = nullCount
        self.distinctCount = distinctCount
        self.minValue = minValue
        self.maxValue = maxValue
        self.isMinValueExact = isMinValueExact
        self.isMaxValueExact = isMaxValueExact
        self.legacyMin = legacyMin
        self.legacyMax = legacyMax
    }
}

extension Statistics {
    func write(to e: inout CompactEncoder) {
        e.beginStruct()
        if let legacyMax { e.binary(1, legacyMax) }
        if let legacyMin { e.binary(2, legacyMin) }
        if let nullCount { e.i64(3, nullCount) }
        if let distinctCount { e.i64(4, distinctCount) }
        if let maxValue { e.binary(5, maxValue) }
        if let minValue { e.binary(6, minValue) }
        if let isMaxValueExact { e.bool(7, isMaxValueExact) }
        if let isMinValueExact { e.bool(8, isMinValueExact) }
        e.endStruct()
    }

    static func read(from d: inout CompactDecoder) throws -> Statistics {
        var s = Statistics()
        try d.readStruct { d, id, type in
            switch id {
            case 1: s.legacyMax = try d.binary(type)
            case 2: s.legacyMin = try d.binary(type)
            case 3: s.nullCount = try d.i64(type)
            case 4: s.distinctCount = try d.i64(type)
            case 5: s.maxValue = try d.binary(type)
            case 6: s.minValue = try d.binary(type)
            case 7: s.isMaxValueExact = try d.bool(type)
            case 8: s.isMinValueExact = try d.bool(type)
            default: try d.skip(type)
            }
        }
        return s
    }
}
