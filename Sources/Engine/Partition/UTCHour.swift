/// An hour of UTC time, counted from 1970-01-01T00:00Z (negative before).
public struct UTCHour: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Hours since the Unix epoch.
    public var hoursSinceEpoch: Int64

    /// The hour with the given count since the epoch.
    public init(hoursSinceEpoch: Int64) {
        self.hoursSinceEpoch = hoursSinceEpoch
    }

    /// The hour containing the instant `micros` microseconds since the epoch (floor division,
    /// so instants before 1970 land in the right hour).
    public init(micros: Int64) {
        let perHour: Int64 = 3_600_000_000
        var hours = micros / perHour
        if micros % perHour < 0 { hours -= 1 }
        hoursSinceEpoch = hours
    }

    /// The civil date and hour: (year, month 1–12, day 1–31, hour 0–23).
    public var civil: (year: Int64, month: Int, day: Int, hour: Int) {
        var days = hoursSinceEpoch / 24
        var hour = hoursSinceEpoch % 24
        if hour < 0 {
            hour += 24
            days -= 1
        }
        let date = Self.civilFromDays(days)
        return (date.year, date.month, date.day, Int(hour))
    }

    /// `yyyy-MM-ddTHH:00Z`.
    public var description: String {
        let c = civil
        return "\(Self.pad(c.year, 4))-\(Self.pad(Int64(c.month), 2))-\(Self.pad(Int64(c.day), 2))T\(Self.pad(Int64(c.hour), 2)):00Z"
    }

    public static func < (lhs: UTCHour, rhs: UTCHour) -> Bool {
        lhs.hoursSinceEpoch < rhs.hoursSinceEpoch
    }

    /// Zero-padded decimal of `value` with at least `width` digits (a sign first if negative).
    static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value.magnitude)
        let padded = String(repeating: "0", count: max(0, width - digits.count)) + digits
        return value < 0 ? "-" + padded : padded
    }

    /// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant, "chrono-Compatible
    /// Low-Level Date Algorithms", civil_from_days).
    static func civilFromDays(_ days: Int64) -> (year: Int64, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), Int(month), Int(day))
    }

    /// A proleptic Gregorian date to days since 1970-01-01 (H. Hinnant, days_from_civil).
    static func daysFromCivil(year: Int64, month: Int, day: Int) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let monthIndex = Int64(month > 2 ? month - 3 : month + 9)
        let dayOfYear = (153 * monthIndex + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
