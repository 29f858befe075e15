/// A small JSON writer for `inspect --json`: keys keep the order they are written in, so the
/// output is stable and diffable.
struct JSONText {
    private(set) var text = ""
    private var needsComma = [false]

    /// Opens an object (as a value, or after `key`).
    mutating func beginObject() { value("{"); needsComma.append(false) }
    /// Closes the current object.
    mutating func endObject() { needsComma.removeLast(); text += "}" }
    /// Opens an array.
    mutating func beginArray() { value("["); needsComma.append(false) }
    /// Closes the current array.
    mutating func endArray() { needsComma.removeLast(); text += "]" }

    /// Writes an object key; the next call writes its value.
    mutating func key(_ name: String) {
        separate()
        text += Self.quoted(name) + ":"
        needsComma[needsComma.count - 1] = false
    }

    /// A string value.
    mutating func string(_ value: String) { self.value(Self.quoted(value)) }
    /// An integer value.
    mutating func integer<T: BinaryInteger>(_ value: T) { self.value("\(value)") }
    /// A boolean value.
    mutating func bool(_ value: Bool) { self.value(value ? "true" : "false") }
    /// null.
    mutating func null() { value("null") }

    /// A formatted column value: numbers stay numbers; non-finite floats become strings.
    mutating func formatted(_ value: FormattedValue) {
        switch value {
        case .null: null()
        case .boolean(let v): bool(v)
        case .integer(let v): integer(v)
        case .real(let v): v.isFinite ? self.value("\(v)") : string("\(v)")
        case .text(let v): string(v)
        }
    }

    /// `"key": value` for a string, or nothing for nil.
    mutating func field(_ name: String, _ value: String?) {
        guard let value else { return }
        key(name)
        string(value)
    }

    /// `"key": value` for an integer, or nothing for nil.
    mutating func field<T: BinaryInteger>(_ name: String, _ value: T?) {
        guard let value else { return }
        key(name)
        integer(value)
    }

    private mutating func value(_ raw: String) {
        separate()
        text += raw
        needsComma[needsComma.count - 1] = true
    }

    private mutating func separate() {
        if needsComma[needsComma.count - 1] { text += "," }
    }

    /// A JSON string literal (RFC 8259 escapes).
    static func quoted(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += "\\u" + String(scalar.value, radix: 16).leftPadded(to: 4)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
