/// A JSON document read for its text: every value keeps the exact bytes it was written with, so
/// a fixture can hold a Kafka record as JSON and the test can feed those bytes (compacted, as
/// JsonConverter writes them) to the decoder, with no number or member order changed on the way.
indirect enum RawJSON {
    case object([(key: String, value: RawJSON)], text: String)
    case array([RawJSON], text: String)
    case scalar(String)

    /// The value's text as written.
    var text: String {
        switch self {
        case .object(_, let text), .array(_, let text): text
        case .scalar(let text): text
        }
    }

    /// The text without whitespace outside strings: JsonConverter's compact form.
    var compact: String { Self.compact(text) }

    /// The member `key` of an object, or nil.
    subscript(key: String) -> RawJSON? {
        guard case .object(let members, _) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// The elements of an array, or empty.
    var elements: [RawJSON] {
        if case .array(let items, _) = self { return items }
        return []
    }

    /// The members of an object, or empty.
    var members: [(key: String, value: RawJSON)] {
        if case .object(let members, _) = self { return members }
        return []
    }

    /// The unescaped value of a string scalar (simple escapes only), or nil.
    var string: String? {
        guard case .scalar(let text) = self, text.hasPrefix("\""), text.count >= 2 else { return nil }
        return Self.unescape(text.dropFirst().dropLast())
    }

    var isNull: Bool { text == "null" }

    /// Parses `text`; nil when it is not one JSON value.
    static func parse(_ text: String) -> RawJSON? {
        var parser = Parser(bytes: Array(text.utf8))
        guard let value = parser.value() else { return nil }
        parser.skipWhitespace()
        return parser.index == parser.bytes.count ? value : nil
    }

    static func compact(_ text: String) -> String {
        var out: [UInt8] = []
        var inString = false
        var escaped = false
        for byte in text.utf8 {
            if inString {
                out.append(byte)
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
                out.append(byte)
            } else if byte != 0x20 && byte != 0x0A && byte != 0x0D && byte != 0x09 {
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func unescape(_ text: Substring) -> String {
        var out = ""
        var iterator = text.makeIterator()
        while let character = iterator.next() {
            guard character == "\\", let next = iterator.next() else {
                out.append(character)
                continue
            }
            switch next {
            case "n": out.append("\n")
            case "t": out.append("\t")
            case "r": out.append("\r")
            case "u":
                let hex = String([iterator.next(), iterator.next(), iterator.next(), iterator.next()].compactMap { $0 })
                if let value = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(value) { out.unicodeScalars.append(scalar) }
            default: out.append(next)
            }
        }
        return out
    }

    private struct Parser {
        let bytes: [UInt8]
        var index = 0

        mutating func skipWhitespace() {
            while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
        }

        mutating func value() -> RawJSON? {
            skipWhitespace()
            guard index < bytes.count else { return nil }
            let start = index
            switch bytes[index] {
            case UInt8(ascii: "{"):
                index += 1
                var members: [(key: String, value: RawJSON)] = []
                skipWhitespace()
                if index < bytes.count && bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    return .object([], text: text(from: start))
                }
                while true {
                    skipWhitespace()
                    guard let key = value()?.string else { return nil }
                    skipWhitespace()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
                    index += 1
                    guard let member = value() else { return nil }
                    members.append((key, member))
                    skipWhitespace()
                    guard index < bytes.count else { return nil }
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    guard bytes[index] == UInt8(ascii: "}") else { return nil }
                    index += 1
                    return .object(members, text: text(from: start))
                }
            case UInt8(ascii: "["):
                index += 1
                var items: [RawJSON] = []
                skipWhitespace()
                if index < bytes.count && bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    return .array([], text: text(from: start))
                }
                while true {
                    guard let item = value() else { return nil }
                    items.append(item)
                    skipWhitespace()
                    guard index < bytes.count else { return nil }
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    guard bytes[index] == UInt8(ascii: "]") else { return nil }
                    index += 1
                    return .array(items, text: text(from: start))
                }
            case UInt8(ascii: "\""):
                index += 1
                while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                    index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
                }
                guard index < bytes.count else { return nil }
                index += 1
                return .scalar(text(from: start))
            default:
                while index < bytes.count, !",}] \n\r\t".utf8.contains(bytes[index]) { index += 1 }
                return index > start ? .scalar(text(from: start)) : nil
            }
        }

        private func text(from start: Int) -> String {
            String(decoding: bytes[start..<index], as: UTF8.self)
        }
    }
}
