/// The physical types stored as fixed-width little-endian numbers: INT32, INT64, FLOAT,
/// DOUBLE. One generic column writer serves all four.
protocol FixedWidthValue: BitwiseCopyable, Equatable {
    /// The value's bits, the dictionary's hash key (so 0.0 and -0.0, or two NaN payloads, stay
    /// distinct dictionary entries and round-trip exactly).
    associatedtype Bits: FixedWidthInteger & UnsignedInteger
    /// The value's bits.
    var bits: Bits { get }
    /// True for NaN (never for integers); statistics skip it (parquet.thrift ColumnOrder).
    var isNaN: Bool { get }
    /// Strict order for statistics: signed for integers, numeric for floats (NaN excluded).
    static func statisticsLess(_ a: Self, _ b: Self) -> Bool
    /// Finishes a statistics bound; floats write -0.0 for a zero minimum and +0.0 for a zero
    /// maximum (parquet.thrift, Statistics: "-0.0 for min, +0.0 for max").
    static func normalizedBound(_ value: Self, isMin: Bool) -> Self
    /// The batch values of this type, or nil when the column holds another type.
    static func values(in column: ColumnValues) -> [Self]?
}

extension FixedWidthValue where Self: BinaryInteger {
    var isNaN: Bool { false }
    static func statisticsLess(_ a: Self, _ b: Self) -> Bool { a < b }
    static func normalizedBound(_ value: Self, isMin: Bool) -> Self { value }
}

extension FixedWidthValue where Self: BinaryFloatingPoint {
    static func statisticsLess(_ a: Self, _ b: Self) -> Bool { a < b }
    static func normalizedBound(_ value: Self, isMin: Bool) -> Self {
        value == 0 ? (isMin ? -0.0 : 0.0) : value
    }
}

extension Int32: FixedWidthValue {
    static func values(in column: ColumnValues) -> [Int32]? {
        if case .int32(let values) = column { values } else { nil }
    }
    var bits: UInt32 { UInt32(bitPattern: self) }
}

extension Int64: FixedWidthValue {
    static func values(in column: ColumnValues) -> [Int64]? {
        if case .int64(let values) = column { values } else { nil }
    }
    var bits: UInt64 { UInt64(bitPattern: self) }
}

extension Float: FixedWidthValue {
    static func values(in column: ColumnValues) -> [Float]? {
        if case .float(let values) = column { values } else { nil }
    }
    var bits: UInt32 { bitPattern }
}

extension Double: FixedWidthValue {
    static func values(in column: ColumnValues) -> [Double]? {
        if case .double(let values) = column { values } else { nil }
    }
    var bits: UInt64 { bitPattern }
}
