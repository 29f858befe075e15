/// A value of a column rendered for people and for JSON: timestamps as ISO 8601 UTC, dates as
/// `YYYY-MM-DD`, decimals with their scale, UUIDs in canonical form, bytes in hex.
enum FormattedValue: Equatable {
    /// Null.
    case null
    /// true or false.
    case boolean(Bool)
    /// An exact integer (a JSON number).
    case integer(Int64)
    /// A float (a JSON number when finite).
    case real(Double)
    /// Text (a JSON string).
    case text(String)

    /// The value for the text report.
    var plain: String {
        switch self {
        case .null: "null"
        case .boolean(let value): "\(value)"
        case .integer(let value): "\(value)"
        case .real(let value): "\(value)"
        case .text(let value): value
        }
    }
}

enum ValueFormatter {
    /// Row `row` of `column`, typed by `field`.
    static func format(_ column: ColumnData, row: Int, field: Field) -> FormattedValue {
        if let validity = column.validity, !validity[row] { return .null }
        switch column.values {
        case .boolean(let values): return .boolean(values[row])
        case .int32(let values): return format(integer: Int64(values[row]), field: field)
        case .int64(let values): return format(integer: values[row], field: field)
        case .float(let values): return .real(Double(values[row]))
        case .double(let values): return .real(values[row])
        case .byteArray(let values): return format(bytes: Array(values.bytes[values.offsets[row]..<values.offsets[row + 1]]), field: field)
        case .fixedLenByteArray(let values):
            return format(bytes: Array(values.bytes[row * values.width..<(row + 1) * values.width]), field: field)
        }
    }

    /// A statistics bound of a column typed by `field`.
    static func format(_ value: StatisticValue, field: Field) -> FormattedValue {
        switch value {
        case .boolean(let v): .boolean(v)
        case .int32(let v): format(integer: Int64(v), field: field)
        case .int64(let v): format(integer: v, field: field)
        case .float(let v): .real(Double(v))
        case .double(let v): .real(v)
        case .bytes(let v): format(bytes: v, field: field)
        }
    }

    private static func format(integer: Int64, field: Field) -> FormattedValue {
        switch field.logicalType {
        case .date: return .text(date(days: integer))
        case .timestamp(_, let unit): return .text(timestamp(integer, unit: unit))
        case .time(_, let unit): return .text(time(integer, unit: unit))
        case .decimal(_, let scale): return .text(decimal(Int128(integer), scale: scale))
        default: return .integer(integer)
        }
    }

    private static func format(bytes: [UInt8], field: Field) -> FormattedValue {
        switch field.logicalType {
        case .string, .json, .enumeration: return .text(String(decoding: bytes, as: UTF8.self))
        case .uuid where bytes.count == 16:
            let hex = bytes.map { String($0, radix: 16).leftPadded(to: 2) }
            return .text([hex[0..<4], hex[4..<6], hex[6..<8], hex[8..<10], hex[10..<16]].map { $0.joined() }.joined(separator: "-"))
        case .decimal(_, let scale) where !bytes.isEmpty && bytes.count <= 16:
            let value = bytes.withUnsafeBytes { ColumnData.bigEndianInteger($0.baseAddress.unsafelyUnwrapped, width: bytes.count) }
            return .text(decimal(value, scale: scale))
        default:
            return .text("0x" + bytes.map { String($0, radix: 16).leftPadded(to: 2) }.joined())
        }
    }

    /// An unscaled decimal with `scale` digits after the point.
    static func decimal(_ unscaled: Int128, scale: Int) -> String {
        let negative = unscaled < 0
        var digits = String(unscaled.magnitude)
        guard scale > 0 else { return (negative ? "-" : "") + digits }
        if digits.count <= scale { digits = String(repeating: "0", count: scale - digits.count + 1) + digits }
        let point = digits.index(digits.endIndex, offsetBy: -scale)
        return (negative ? "-" : "") + digits[..<point] + "." + digits[point...]
    }

    /// `YYYY-MM-DD` for days since 1970-01-01 (proleptic Gregorian; Howard Hinnant's
    /// civil_from_days).
    static func date(days: Int64) -> String {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    /// ISO 8601 in UTC with the unit's fraction digits, e.g. `2026-11-25T02:58:25.123456Z`.
    static func timestamp(_ value: Int64, unit: TimeUnit) -> String {
        let (seconds, fraction, digits) = split(value, unit: unit)
        let days = seconds.floorDivided(by: 86_400)
        let clock = clock(seconds - days * 86_400)
        return "\(date(days: days))T\(clock).\(pad(fraction, digits))Z"
    }

    private static func time(_ value: Int64, unit: TimeUnit) -> String {
        let (seconds, fraction, digits) = split(value, unit: unit)
        return "\(clock(seconds)).\(pad(fraction, digits))"
    }

    /// Whole seconds (rounded down) and the non-negative fraction, without overflow at the
    /// ends of the Int64 range.
    private static func split(_ value: Int64, unit: TimeUnit) -> (seconds: Int64, fraction: Int64, digits: Int) {
        let (perSecond, digits) = scale(of: unit)
        var seconds = value / perSecond
        var fraction = value % perSecond
        if fraction < 0 {
            seconds -= 1
            fraction += perSecond
        }
        return (seconds, fraction, digits)
    }

    private static func clock(_ seconds: Int64) -> String {
        "\(pad(seconds / 3600, 2)):\(pad(seconds / 60 % 60, 2)):\(pad(seconds % 60, 2))"
    }

    private static func scale(of unit: TimeUnit) -> (Int64, Int) {
        switch unit {
        case .millis: (1_000, 3)
        case .micros: (1_000_000, 6)
        case .nanos: (1_000_000_000, 9)
        }
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        value < 0 ? "-" + String(-value).leftPadded(to: width) : String(value).leftPadded(to: width)
    }
}

extension Int64 {
    /// Division rounding toward negative infinity (pre-epoch timestamps).
    func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
