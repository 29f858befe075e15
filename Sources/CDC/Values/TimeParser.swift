import Catalog

/// Parses Debezium's ISO-8601 strings (`ZonedTimestamp`, `ZonedTime`) to UTC microseconds:
/// `[±]YYYY-MM-DD(T| )HH:MM[:SS[.fffffffff]](Z|±HH[:MM[:SS]])`, and the forms without an
/// offset that snapshot files hold for dates, local timestamps and times of day (what
/// PostgreSQL's `COPY … CSV` writes). Digits beyond microseconds are truncated. A second of 60 (a leap second) rolls over into the next minute, as
/// PostgreSQL does. Years outside 4713 BC...294246 AD are refused: no warehouse stores them.
struct TimeParser {
    private let text: UnsafePointer<UInt8>
    private let length: Int
    private var index = 0

    private init(_ text: UnsafePointer<UInt8>, _ length: Int) {
        self.text = text
        self.length = length
    }

    /// UTC microseconds since the epoch of an ISO-8601 timestamp with an offset.
    static func zonedTimestamp(_ text: UnsafePointer<UInt8>, length: Int) throws(DecodeFailure) -> Int64 {
        if let micros = canonicalUTC(text, length: length) { return micros }
        var parser = TimeParser(text, length)
        guard let micros = parser.timestamp(zoned: true) else { throw parser.failure("timestamp with an offset") }
        return micros
    }

    /// Microseconds since 1970-01-01T00:00:00 of the wall clock of an ISO-8601 timestamp
    /// without an offset (`2026-11-20 17:42:01.5`).
    static func localTimestamp(_ text: UnsafePointer<UInt8>, length: Int) throws(DecodeFailure) -> Int64 {
        var parser = TimeParser(text, length)
        guard let micros = parser.timestamp(zoned: false) else { throw parser.failure("timestamp without an offset") }
        return micros
    }

    /// Days since 1970-01-01 of an ISO-8601 calendar date, `[±]YYYY-MM-DD`.
    static func date(_ text: UnsafePointer<UInt8>, length: Int) throws(DecodeFailure) -> Int64 {
        var parser = TimeParser(text, length)
        guard let days = parser.calendarDate(), parser.index == length, days >= CivilTime.minimumDays, days <= CivilTime.maximumDays else {
            throw parser.failure("date")
        }
        return days
    }

    /// Microseconds since midnight (0 ... 86 400 000 000) of an ISO-8601 time of day without an
    /// offset, `HH:MM[:SS[.f…]]`.
    static func localTime(_ text: UnsafePointer<UInt8>, length: Int) throws(DecodeFailure) -> Int64 {
        var parser = TimeParser(text, length)
        guard let micros = parser.timeOfDay(), parser.index == length, micros <= CivilTime.microsPerDay else {
            throw parser.failure("time of day")
        }
        return micros
    }

    /// UTC microseconds since midnight (0 ..< 86 400 000 000) of an ISO-8601 time with an offset.
    static func zonedTime(_ text: UnsafePointer<UInt8>, length: Int) throws(DecodeFailure) -> Int64 {
        var parser = TimeParser(text, length)
        guard let local = parser.timeOfDay(), let offset = parser.offset(), parser.index == length else {
            throw parser.failure("time with an offset")
        }
        return (local - offset).floorDivided(by: CivilTime.microsPerDay).remainder
    }

    /// The form Debezium writes most, `YYYY-MM-DDTHH:MM:SS[.ffffff]Z` with a fraction of up to
    /// six digits, parsed without the general grammar; nil sends the text to the general parser
    /// (which also reports errors).
    @inline(__always) private static func canonicalUTC(_ text: UnsafePointer<UInt8>, length: Int) -> Int64? {
        guard length >= 20, length <= 27, length != 21, text[length - 1] == UInt8(ascii: "Z"), text[4] == UInt8(ascii: "-"),
            text[7] == UInt8(ascii: "-"), text[10] == UInt8(ascii: "T"), text[13] == UInt8(ascii: ":"), text[16] == UInt8(ascii: ":"),
            length == 20 || text[19] == UInt8(ascii: ".")
        else { return nil }
        func two(_ at: Int) -> Int64? {
            let high = text[at] &- UInt8(ascii: "0")
            let low = text[at + 1] &- UInt8(ascii: "0")
            return high < 10 && low < 10 ? Int64(high) * 10 + Int64(low) : nil
        }
        guard let century = two(0), let yearOfCentury = two(2), let month = two(5), let day = two(8), let hour = two(11),
            let minute = two(14), let second = two(17), month >= 1, month <= 12, day >= 1, hour <= 23, minute <= 59, second <= 59
        else { return nil }
        let year = century * 100 + yearOfCentury
        guard day <= CivilTime.daysInMonth(year: year, month: month) else { return nil }
        var fraction: Int64 = 0
        var index = 20
        while index < length - 1 {
            let digit = text[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            fraction = fraction * 10 + Int64(digit)
            index += 1
        }
        for _ in 0..<(27 - length) where length > 20 { fraction *= 10 }
        let seconds = (CivilTime.days(year: year, month: month, day: day) * 24 + hour) * 3600 + minute * 60 + second
        return seconds * CivilTime.microsPerSecond + (length == 20 ? 0 : fraction)
    }

    private func failure(_ what: String) -> DecodeFailure {
        DecodeFailure(
            .badTimestamp, "`\(String(decoding: UnsafeBufferPointer(start: text, count: length), as: UTF8.self))` is not a valid ISO-8601 \(what) within 4713 BC...294246 AD"
        )
    }

    /// A date and a time of day, followed by an offset when `zoned` (then UTC microseconds),
    /// or by nothing (then wall-clock microseconds).
    private mutating func timestamp(zoned: Bool) -> Int64? {
        guard let days = calendarDate() else { return nil }
        guard index < length, [UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: " ")].contains(text[index]) else { return nil }
        index += 1
        guard let time = timeOfDay() else { return nil }
        let offset: Int64
        if zoned {
            guard let parsed = self.offset() else { return nil }
            offset = parsed
        } else {
            offset = 0
        }
        guard index == length, days >= CivilTime.minimumDays - 1, days <= CivilTime.maximumDays + 1 else { return nil }
        let micros = days * CivilTime.microsPerDay + time - offset
        guard micros >= CivilTime.minimumMicros, micros <= CivilTime.maximumMicros else { return nil }
        return micros
    }

    /// `[±]YYYY-MM-DD` (four digits, or four to six after a sign) as days since 1970-01-01.
    private mutating func calendarDate() -> Int64? {
        var negativeYear = false
        var yearDigits = 4
        if index < length && (text[index] == UInt8(ascii: "+") || text[index] == UInt8(ascii: "-")) {
            negativeYear = text[index] == UInt8(ascii: "-")
            index += 1
            yearDigits = 0
            while index + yearDigits < length && text[index + yearDigits] &- UInt8(ascii: "0") < 10 { yearDigits += 1 }
            guard (4...6).contains(yearDigits) else { return nil }
        }
        guard let rawYear = digits(yearDigits), consume(UInt8(ascii: "-")),
            let month = digits(2), consume(UInt8(ascii: "-")), let day = digits(2)
        else { return nil }
        let year = negativeYear ? -rawYear : rawYear
        guard (1...12).contains(month), day >= 1, day <= CivilTime.daysInMonth(year: year, month: month) else { return nil }
        return CivilTime.days(year: year, month: month, day: day)
    }

    /// `HH:MM[:SS[.f…]]` as microseconds; second 60 counts as the next minute's 0.
    private mutating func timeOfDay() -> Int64? {
        guard let hour = digits(2), consume(UInt8(ascii: ":")), let minute = digits(2), hour <= 23, minute <= 59 else {
            return nil
        }
        var second: Int64 = 0
        var fraction: Int64 = 0
        if consume(UInt8(ascii: ":")) {
            guard let parsed = digits(2), parsed <= 60 else { return nil }
            second = parsed
            if consume(UInt8(ascii: ".")) || consume(UInt8(ascii: ",")) {
                var count = 0
                while index < length, text[index] &- UInt8(ascii: "0") < 10 {
                    if count < 6 { fraction = fraction * 10 + Int64(text[index] &- UInt8(ascii: "0")) }
                    count += 1
                    index += 1
                }
                guard (1...9).contains(count) else { return nil }
                if count < 6 { for _ in count..<6 { fraction *= 10 } }
            }
        }
        return ((hour * 60 + minute) * 60 + second) * CivilTime.microsPerSecond + fraction
    }

    /// `Z`, or `±HH`, `±HH:MM`, `±HHMM`, `±HH:MM:SS` (at most ±18:00, java.time's limit), as
    /// microseconds east of UTC.
    private mutating func offset() -> Int64? {
        guard index < length else { return nil }
        let sign = text[index]
        if sign == UInt8(ascii: "Z") || sign == UInt8(ascii: "z") {
            index += 1
            return 0
        }
        guard sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") else { return nil }
        index += 1
        guard let hours = digits(2) else { return nil }
        var minutes: Int64 = 0
        var seconds: Int64 = 0
        if index < length {
            let colon = consume(UInt8(ascii: ":"))
            guard let parsed = digits(2) else { return nil }
            minutes = parsed
            if index < length {
                guard !colon || consume(UInt8(ascii: ":")), let parsedSeconds = digits(2) else { return nil }
                seconds = parsedSeconds
            }
        }
        guard minutes <= 59, seconds <= 59 else { return nil }
        let total = (hours * 3600 + minutes * 60 + seconds)
        guard total <= 18 * 3600 else { return nil }
        return (sign == UInt8(ascii: "-") ? -total : total) * CivilTime.microsPerSecond
    }

    private mutating func digits(_ count: Int) -> Int64? {
        guard count > 0, index + count <= length else { return nil }
        var value: Int64 = 0
        for offset in 0..<count {
            let digit = text[index + offset] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            value = value * 10 + Int64(digit)
        }
        index += count
        return value
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        guard index < length, text[index] == byte else { return false }
        index += 1
        return true
    }
}

/// ISO-8601 timestamps for command-line options (`--start 2026-11-20T00:00:00Z`).
public enum ISOTimestamp {
    /// UTC microseconds since the epoch of `text` (an ISO-8601 timestamp with an offset), or nil.
    public static func micros(_ text: String) -> Int64? {
        var bytes = Array(text.utf8)
        let count = bytes.count
        return bytes.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return nil }
            return try? TimeParser.zonedTimestamp(base, length: count)
        }
    }
}
