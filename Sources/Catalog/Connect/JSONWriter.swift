/// Appends JSON text to a byte buffer without Foundation: strings are escaped as RFC 8259
/// section 7 requires (quote, backslash and C0 controls), everything else is copied as UTF-8.
///
/// Shared by the load generator (Debezium messages), the `decode` command (NDJSON rows) and
/// `ConnectSchema.jsonText` (JsonConverter's schema form).
public struct JSONWriter: Sendable {
    /// The text written so far, UTF-8.
    public var bytes: [UInt8]

    /// An empty writer with room for `capacity` bytes.
    public init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// The text written so far, as a String.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Appends bytes as they are (already JSON).
    public mutating func raw(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    /// Appends bytes as they are (already JSON).
    public mutating func raw<C: Collection>(bytes text: C) where C.Element == UInt8 {
        bytes.append(contentsOf: text)
    }

    /// Appends one byte (a structural character such as `{` or `,`).
    public mutating func byte(_ value: UInt8) {
        bytes.append(value)
    }

    /// Appends `value` as a quoted, escaped JSON string.
    public mutating func string(_ value: String) {
        string(utf8: value.utf8)
    }

    /// Appends UTF-8 `value` as a quoted, escaped JSON string. Bytes are not validated: pass
    /// valid UTF-8.
    public mutating func string<C: Collection>(utf8 value: C) where C.Element == UInt8 {
        bytes.append(UInt8(ascii: "\""))
        for byte in value {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x00..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 15)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends `"name":` (a member name and its colon).
    public mutating func key(_ name: String) {
        string(name)
        bytes.append(UInt8(ascii: ":"))
    }

    /// Appends a decimal integer.
    public mutating func integer<I: BinaryInteger>(_ value: I) {
        bytes.append(contentsOf: String(value).utf8)
    }

    /// Appends a double in Swift's shortest round-trip form; NaN and infinities become the
    /// strings JsonConverter writes for them ("NaN", "Infinity", "-Infinity").
    public mutating func double(_ value: Double) {
        if value.isNaN {
            string("NaN")
        } else if value.isInfinite {
            string(value < 0 ? "-Infinity" : "Infinity")
        } else {
            bytes.append(contentsOf: value.description.utf8)
        }
    }

    /// Appends `true` or `false`.
    public mutating func boolean(_ value: Bool) {
        raw(value ? "true" : "false")
    }

    /// Appends `null`.
    public mutating func null() {
        raw("null")
    }
}
