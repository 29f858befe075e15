import Catalog

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

    /// The hour written as `description` writes it (`yyyy-MM-ddTHH:00Z`, the form of
    /// `StagedFile.hour`); nil for any other text.
    public init?(_ text: String) {
        let parts = text.utf8.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
        guard text.hasSuffix(":00Z"), parts.count == 3, let year = Int64(Substring(parts[0])), let month = Int64(Substring(parts[1])),
            (1...12).contains(month)
        else { return nil }
        let rest = Substring(parts[2])
        guard rest.count == 9, let day = Int64(rest.prefix(2)), rest.dropFirst(2).first == "T", let hour = Int64(rest.dropFirst(3).prefix(2)),
            (1...CivilTime.daysInMonth(year: year, month: month)).contains(day), (0...23).contains(hour)
        else { return nil }
        hoursSinceEpoch = CivilTime.days(year: year, month: month, day: day) * 24 + hour
    }

    /// The civil date and hour: (year, month 1–12, day 1–31, hour 0–23).
    public var civil: (year: Int64, month: Int, day: Int, hour: Int) {
        var days = hoursSinceEpoch / 24
        var hour = hoursSinceEpoch % 24
        if hour < 0 {
            hour += 24
            days -= 1
        }
        let date = CivilTime.civil(days: days)
        return (date.year, Int(date.month), Int(date.day), Int(hour))
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
    public static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value.magnitude)
        let padded = String(repeating: "0", count: max(0, width - digits.count)) + digits
        return value < 0 ? "-" + padded : padded
    }
}
