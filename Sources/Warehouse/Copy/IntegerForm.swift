import Catalog
import Parquet

/// How an integer column's values are written to COPY (text or binary), decided once per column
/// from its Parquet logical type.
enum IntegerForm {
    case digits
    case date
    /// Microseconds are the value times `multiplier`, or divided (floored) by `divisor`.
    case timestamp(multiplier: Int64, divisor: Int64)
    case decimal(scale: Int)

    init(_ field: Field) {
        switch field.logicalType {
        case .date?: self = .date
        case .timestamp(_, .millis)?: self = .timestamp(multiplier: 1000, divisor: 1)
        case .timestamp(_, .micros)?: self = .timestamp(multiplier: 1, divisor: 1)
        case .timestamp(_, .nanos)?: self = .timestamp(multiplier: 1, divisor: 1000)
        case .decimal(_, let scale)?: self = .decimal(scale: scale)
        default: self = .digits
        }
    }

    /// A timestamp value in microseconds since 1970-01-01. An overflowing millisecond count is out
    /// of range: Int64.max fails every range check after it.
    @inline(__always)
    static func micros(_ value: Int64, multiplier: Int64, divisor: Int64) -> Int64 {
        let (scaled, overflow) = value.multipliedReportingOverflow(by: multiplier)
        return overflow ? .max : scaled.floorDivided(by: divisor).quotient
    }
}
