import Foundation
import CDC

/// The half-open time range `[from, to)` of a backfill, in ms since the epoch (UTC).
///
/// Bounds are ISO-8601 instants with an offset (`2026-12-01T06:00:00Z`,
/// `2026-12-01T08:00:00+02:00`); a date alone means midnight UTC. A record whose timestamp is
/// exactly `from` is inside, one at `to` is not.
public struct BackfillRange: Sendable, Hashable, CustomStringConvertible {
    /// First instant inside the range (ms since the epoch, UTC).
    public var fromMillis: Int64
    /// First instant after the range (ms since the epoch, UTC).
    public var toMillis: Int64

    /// The range `[fromMillis, toMillis)`; throws `.configuration` unless `from < to`.
    public init(fromMillis: Int64, toMillis: Int64) throws {
        guard fromMillis < toMillis else {
            throw RuntimeError(
                .configuration, "the backfill range is empty: --from \(UTCInstant.text(fromMillis)) is not before --to \(UTCInstant.text(toMillis))")
        }
        self.fromMillis = fromMillis
        self.toMillis = toMillis
    }

    /// The range between two ISO-8601 texts; throws `.configuration` naming the bad bound.
    public init(from: String, to: String) throws {
        guard let start = Self.parse(from) else { throw RuntimeError(.configuration, Self.badInstant("--from", from)) }
        guard let end = Self.parse(to) else { throw RuntimeError(.configuration, Self.badInstant("--to", to)) }
        try self.init(fromMillis: start, toMillis: end)
    }

    /// True when `millis` lies in `[fromMillis, toMillis)`.
    public func contains(_ millis: Int64) -> Bool { millis >= fromMillis && millis < toMillis }

    /// The range in µs, for event-time columns.
    public var micros: Range<Int64> { fromMillis * 1000..<toMillis * 1000 }

    public var description: String { "[\(UTCInstant.text(fromMillis)), \(UTCInstant.text(toMillis)))" }

    /// ms since the epoch of an ISO-8601 instant or date (midnight UTC); nil when it is neither.
    /// Sub-millisecond digits are truncated toward the past, so `from` never moves later.
    public static func parse(_ text: String) -> Int64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let bytes = Array(trimmed.utf8)
        let isDate = bytes.count == 10 && bytes[4] == UInt8(ascii: "-") && bytes[7] == UInt8(ascii: "-")
        guard let micros = ISOTimestamp.micros(isDate ? trimmed + "T00:00:00Z" : trimmed) else { return nil }
        return micros >= 0 ? micros / 1000 : (micros - 999) / 1000
    }

    private static func badInstant(_ flag: String, _ text: String) -> String {
        "\(flag) \(text) is not an ISO-8601 instant with an offset (2026-12-01T06:00:00Z) or a date (2026-12-01, midnight UTC)"
    }
}

/// UTC instants as ISO-8601 text.
enum UTCInstant {
    /// `yyyy-MM-ddTHH:mm:ss(.SSS)Z` for ms since the epoch.
    static func text(_ millis: Int64) -> String {
        let seconds = millis >= 0 ? millis / 1000 : (millis - 999) / 1000
        let fraction = millis - seconds * 1000
        var days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let second = seconds - days * 86_400
        // Howard Hinnant's civil_from_days.
        days += 719_468
        let era = (days >= 0 ? days : days - 146_096) / 146_097
        let dayOfEra = days - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthPrime = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthPrime + 2) / 5 + 1
        let month = monthPrime < 10 ? monthPrime + 3 : monthPrime - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ value: Int64, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        var text = "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(second / 3600, 2)):\(pad(second % 3600 / 60, 2)):\(pad(second % 60, 2))"
        if fraction != 0 { text += "." + pad(fraction, 3) }
        return text + "Z"
    }

    /// `yyyyMMddTHHmmssZ` (with `.SSS` when not whole seconds): the compact form used in names.
    static func compact(_ millis: Int64) -> String {
        text(millis).filter { $0 != "-" && $0 != ":" }
    }
}
