import Catalog

extension ValueDecoding {
    /// Appends `value`, an integer read for `conversion`, after the checks that conversion
    /// owes the warehouse: a Connect width (`integer`), a day within 4713 BC...294246 AD
    /// (`days`), a time of day within 00:00...24:00 or an instant within the same years, both
    /// scaled to microseconds (`timeOfDay`, `epochTimestamp`). Shared by JSON payloads and
    /// Parquet snapshot columns; any other conversion is a `type_mismatch`.
    @inline(__always)
    static func appendInteger(_ value: Int64, _ conversion: Conversion, into store: UnsafeMutablePointer<ColumnStore>) throws(DecodeFailure) {
        switch conversion {
        case .integer(let range):
            guard range.contains(value) else {
                throw DecodeFailure(.typeMismatch, "integer \(value) is outside \(range.lowerBound)...\(range.upperBound)")
            }
            store.pointee.append(value)
        case .days:
            guard value >= CivilTime.minimumDays, value <= CivilTime.maximumDays else {
                throw DecodeFailure(.badTimestamp, "date \(value) days from 1970-01-01 is outside 4713 BC...294246 AD")
            }
            store.pointee.append(Int32(truncatingIfNeeded: value))
        case .timeOfDay(let multiplier, let divisor):
            let micros = try scaled(value, multiplier, divisor)
            guard micros >= 0, micros <= CivilTime.microsPerDay else {
                throw DecodeFailure(.badTimestamp, "time of day \(micros) µs is outside 00:00...24:00")
            }
            store.pointee.append(micros)
        case .epochTimestamp(let multiplier, let divisor):
            let micros = try scaled(value, multiplier, divisor)
            guard micros >= CivilTime.minimumMicros, micros <= CivilTime.maximumMicros else {
                throw DecodeFailure(.badTimestamp, "timestamp \(micros) µs is outside 4713 BC...294246 AD")
            }
            store.pointee.append(micros)
        default:
            throw DecodeFailure(.typeMismatch, "an integer cannot feed this column")
        }
    }

    /// `value × multiplier / divisor`, rounding toward negative infinity; `bad_timestamp` on overflow.
    private static func scaled(_ value: Int64, _ multiplier: Int64, _ divisor: Int64) throws(DecodeFailure) -> Int64 {
        if divisor > 1 { return value.floorDivided(by: divisor).quotient }
        let (product, overflow) = value.multipliedReportingOverflow(by: multiplier)
        if overflow { throw DecodeFailure(.badTimestamp, "\(value) overflows 64-bit microseconds") }
        return product
    }
}
