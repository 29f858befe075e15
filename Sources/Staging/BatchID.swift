import Catalog

/// A batch's identity: unique across workers and restarts, and sortable by creation time.
///
/// Shape: `20261125T174200123Z-3fa9c2d1e0b47a65` (UTC creation time to the millisecond, then 64
/// random bits). The time prefix orders commit records; the random suffix keeps two workers
/// starting a batch in the same millisecond apart. It names the batch's files, its commit record
/// and the metadata of its Kafka offset commit.
public struct BatchID: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The identifier text.
    public let rawValue: String
    /// Creation time, milliseconds since the epoch (UTC).
    public let createdAtMillis: Int64

    /// A new identifier created at `millis` with random bits from `random`.
    public init(createdAtMillis millis: Int64, random: UInt64) {
        let hour = UTCHour(micros: millis * 1000)
        let civil = hour.civil
        let withinHour = millis - hour.hoursSinceEpoch * 3_600_000
        let minute = withinHour / 60_000
        let second = (withinHour / 1000) % 60
        let milli = withinHour % 1000
        let hex = String(random, radix: 16)
        rawValue = UTCHour.pad(civil.year, 4) + UTCHour.pad(Int64(civil.month), 2) + UTCHour.pad(Int64(civil.day), 2)
            + "T" + UTCHour.pad(Int64(civil.hour), 2) + UTCHour.pad(minute, 2) + UTCHour.pad(second, 2)
            + UTCHour.pad(milli, 3) + "Z-" + String(repeating: "0", count: 16 - hex.count) + hex
        createdAtMillis = millis
    }

    /// Parses an identifier produced by `init(createdAtMillis:random:)`; nil if malformed.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 36, bytes[8] == UInt8(ascii: "T"), bytes[18] == UInt8(ascii: "Z"),
            bytes[19] == UInt8(ascii: "-")
        else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for byte in bytes[range] {
                guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(4..<6), let day = number(6..<8),
            let hour = number(9..<11), let minute = number(11..<13), let second = number(13..<15),
            let milli = number(15..<18), (1...12).contains(month), (1...31).contains(day), hour < 24,
            minute < 60, second < 60, UInt64(String(decoding: bytes[20...], as: UTF8.self), radix: 16) != nil
        else { return nil }
        let days = CivilTime.days(year: year, month: month, day: day)
        createdAtMillis = ((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + milli
        rawValue = text
    }

    /// The UTC hour the batch was created in (commit records are filed under it).
    public var hour: UTCHour { UTCHour(micros: createdAtMillis * 1000) }

    public var description: String { rawValue }

    public static func < (lhs: BatchID, rhs: BatchID) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let id = BatchID(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad batch id \(text)"))
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
