import Foundation

/// A duration written as text in configuration: `250ms`, `30s`, `5m`, `1h`, `7d` (or a bare
/// number of seconds).
public struct ConfigDuration: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The duration in milliseconds.
    public var milliseconds: Int64

    /// A duration of `milliseconds` ms.
    public init(milliseconds: Int64) {
        self.milliseconds = milliseconds
    }

    /// A duration of `seconds` s.
    public static func seconds(_ seconds: Int64) -> ConfigDuration { ConfigDuration(milliseconds: seconds * 1000) }

    /// A duration of `minutes` min.
    public static func minutes(_ minutes: Int64) -> ConfigDuration { ConfigDuration(milliseconds: minutes * 60_000) }

    /// A duration of `days` days.
    public static func days(_ days: Int64) -> ConfigDuration { ConfigDuration(milliseconds: days * 86_400_000) }

    /// Parses `text`; nil when it is not a non-negative number with an optional unit.
    public init?(parsing text: String) {
        let units: [(String, Int64)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000)]
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        for (suffix, scale) in units where trimmed.hasSuffix(suffix) {
            let number = trimmed.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)
            guard let value = Double(number), value >= 0, value * Double(scale) < 9e15 else { return nil }
            milliseconds = Int64((value * Double(scale)).rounded())
            return
        }
        guard let seconds = Double(trimmed), seconds >= 0, seconds < 9e12 else { return nil }
        milliseconds = Int64((seconds * 1000).rounded())
    }

    /// As a Swift `Duration`.
    public var duration: Duration { .milliseconds(milliseconds) }

    public var description: String {
        if milliseconds % 86_400_000 == 0 && milliseconds > 0 { return "\(milliseconds / 86_400_000)d" }
        if milliseconds % 3_600_000 == 0 && milliseconds > 0 { return "\(milliseconds / 3_600_000)h" }
        if milliseconds % 60_000 == 0 && milliseconds > 0 { return "\(milliseconds / 60_000)m" }
        if milliseconds % 1000 == 0 { return "\(milliseconds / 1000)s" }
        return "\(milliseconds)ms"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = (try? container.decode(String.self)) ?? (try? container.decode(Double.self)).map { "\($0)" }
        guard let text, let value = ConfigDuration(parsing: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "expected a duration such as 250ms, 30s, 5m, 1h or 7d")
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// A size in bytes written as text in configuration: `64MiB`, `512KiB`, `1GB`, `100` (bytes).
public struct ByteSize: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The size in bytes.
    public var bytes: Int

    /// A size of `bytes` bytes.
    public init(bytes: Int) {
        self.bytes = bytes
    }

    /// A size of `value` MiB.
    public static func mebibytes(_ value: Int) -> ByteSize { ByteSize(bytes: value << 20) }

    /// Parses `text`; nil when it is not a non-negative number with an optional unit.
    public init?(parsing text: String) {
        let units: [(String, Double)] = [
            ("KiB", 1024), ("MiB", 1_048_576), ("GiB", 1_073_741_824), ("KB", 1e3), ("MB", 1e6), ("GB", 1e9), ("B", 1),
        ]
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        var scale: Double = 1
        var number = Substring(trimmed)
        for (suffix, factor) in units where trimmed.hasSuffix(suffix) {
            scale = factor
            number = trimmed.dropLast(suffix.count)
            break
        }
        guard let value = Double(number.trimmingCharacters(in: .whitespaces)), value >= 0, value * scale < 9e15 else {
            return nil
        }
        bytes = Int((value * scale).rounded())
    }

    public var description: String {
        if bytes >= 1 << 30 && bytes % (1 << 30) == 0 { return "\(bytes >> 30)GiB" }
        if bytes >= 1 << 20 && bytes % (1 << 20) == 0 { return "\(bytes >> 20)MiB" }
        if bytes >= 1 << 10 && bytes % (1 << 10) == 0 { return "\(bytes >> 10)KiB" }
        return "\(bytes)B"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = (try? container.decode(String.self)) ?? (try? container.decode(Int.self)).map { "\($0)" }
        guard let text, let value = ByteSize(parsing: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected a size such as 64MiB, 512KiB or 1GB")
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
