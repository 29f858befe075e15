/// Proleptic Gregorian calendar arithmetic on days since 1970-01-01, without Foundation
/// (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms", days_from_civil/civil_from_days).
public enum CivilTime {
    /// Microseconds in a day.
    public static let microsPerDay: Int64 = 86_400_000_000
    /// Microseconds in a second.
    public static let microsPerSecond: Int64 = 1_000_000

    /// Days since 1970-01-01 of `year`-`month`-`day` (year 0 is 1 BC; month 1...12).
    public static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let monthIndex = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * monthIndex + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The (year, month, day) of `days` since 1970-01-01.
    public static func civil(days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// The number of days in `month` of `year`.
    public static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2:
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
            return leap ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// The earliest day Redshift and PostgreSQL store: 4713 BC (year -4712) January 1.
    public static let minimumDays = days(year: -4712, month: 1, day: 1)
    /// The latest day stored: 294246 AD December 31, the last whole day that 64-bit
    /// microseconds since 1970 (Parquet TIMESTAMP MICROS) reach; Redshift's own limit,
    /// 294276 AD, is beyond it.
    public static let maximumDays = days(year: 294_246, month: 12, day: 31)
    /// The earliest instant stored, in microseconds since the epoch.
    public static let minimumMicros = minimumDays * microsPerDay
    /// The latest instant stored, in microseconds since the epoch.
    public static let maximumMicros = (maximumDays + 1) * microsPerDay - 1

    /// `yyyy-mm-dd`; years outside 0...9999 get a sign and at least four digits (ISO 8601
    /// expanded form, as java.time writes them).
    public static func formatDate(days: Int64, into writer: inout JSONWriter) {
        let (year, month, day) = civil(days: days)
        if year < 0 || year > 9999 { writer.byte(year < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+")) }
        appendDigits(year.magnitude, width: 4, into: &writer)
        writer.byte(UInt8(ascii: "-"))
        appendDigits(UInt64(month), width: 2, into: &writer)
        writer.byte(UInt8(ascii: "-"))
        appendDigits(UInt64(day), width: 2, into: &writer)
    }

    /// `HH:MM:SS.ffffff` of `micros` since midnight (0 ≤ micros ≤ 86 400 000 000).
    public static func formatTime(micros: Int64, into writer: inout JSONWriter) {
        let seconds = micros / microsPerSecond
        appendDigits(UInt64(seconds / 3600), width: 2, into: &writer)
        writer.byte(UInt8(ascii: ":"))
        appendDigits(UInt64(seconds / 60 % 60), width: 2, into: &writer)
        writer.byte(UInt8(ascii: ":"))
        appendDigits(UInt64(seconds % 60), width: 2, into: &writer)
        writer.byte(UInt8(ascii: "."))
        appendDigits(UInt64(micros % microsPerSecond), width: 6, into: &writer)
    }

    /// `yyyy-mm-ddTHH:MM:SS.ffffff` of `micros` since the epoch, followed by `Z` when `utc`.
    public static func formatTimestamp(micros: Int64, utc: Bool, into writer: inout JSONWriter) {
        let (days, remainder) = micros.floorDivided(by: microsPerDay)
        formatDate(days: days, into: &writer)
        writer.byte(UInt8(ascii: "T"))
        formatTime(micros: remainder, into: &writer)
        if utc { writer.byte(UInt8(ascii: "Z")) }
    }

    /// The ISO-8601 text of `micros` since the epoch in UTC (`2026-11-20T17:42:01.123456Z`).
    public static func isoTimestamp(micros: Int64) -> String {
        var writer = JSONWriter(capacity: 32)
        formatTimestamp(micros: micros, utc: true, into: &writer)
        return writer.text
    }

    private static func appendDigits(_ value: UInt64, width: Int, into writer: inout JSONWriter) {
        let digits = Array(String(value).utf8)
        for _ in digits.count..<max(width, digits.count) { writer.byte(UInt8(ascii: "0")) }
        writer.raw(bytes: digits)
    }
}

extension Int64 {
    /// Quotient rounded toward negative infinity, and the non-negative remainder.
    public func floorDivided(by divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        var quotient = self / divisor
        var remainder = self % divisor
        if remainder < 0 {
            quotient -= 1
            remainder += divisor
        }
        return (quotient, remainder)
    }
}
