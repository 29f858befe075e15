/// A small, strict reader for the flat XML documents S3 and STS return (error bodies,
/// ListObjectsV2, InitiateMultipartUpload, AssumeRoleWithWebIdentity...).
///
/// It keeps elements and text only: attributes, comments, processing instructions and
/// namespace prefixes are dropped; the five predefined entities, numeric character references
/// and CDATA are decoded. There is no DTD support, so no entity expansion attack is possible.
/// Depth is capped and the input size is bounded by the HTTP layer's response limit.
struct XMLElement: Sendable, Equatable {
    /// The local name (any `prefix:` removed).
    var name: String
    /// The concatenated text directly inside this element, decoded.
    var text: String
    /// Child elements in document order.
    var children: [XMLElement]

    /// The first child named `name`.
    func child(_ name: String) -> XMLElement? { children.first { $0.name == name } }

    /// Every child named `name`.
    func children(_ name: String) -> [XMLElement] { children.filter { $0.name == name } }

    /// The text of the first child named `name`.
    func text(of name: String) -> String? { child(name)?.text }

    /// Parses a document and returns its root element, or nil when it is not well formed.
    static func parse(_ bytes: [UInt8], maxDepth: Int = 32) -> XMLElement? {
        var reader = XMLReader(bytes: bytes, maxDepth: maxDepth)
        return reader.document()
    }
}

private struct XMLReader {
    let bytes: [UInt8]
    let maxDepth: Int
    var index = 0

    mutating func document() -> XMLElement? {
        skipMisc()
        guard let root = element(depth: 0) else { return nil }
        skipMisc()
        return index == bytes.count ? root : nil
    }

    /// Skips whitespace, `<?…?>`, `<!--…-->` and `<!DOCTYPE…>` between elements.
    mutating func skipMisc() {
        while index < bytes.count {
            if isSpace(bytes[index]) {
                index += 1
            } else if starts("<?") {
                guard skip(past: "?>") else { return }
            } else if starts("<!--") {
                guard skip(past: "-->") else { return }
            } else if starts("<!") && !starts("<![CDATA[") {
                guard skip(past: ">") else { return }
            } else {
                return
            }
        }
    }

    mutating func element(depth: Int) -> XMLElement? {
        guard depth < maxDepth, index < bytes.count, bytes[index] == UInt8(ascii: "<") else { return nil }
        index += 1
        let qualified = name()
        guard !qualified.isEmpty else { return nil }
        // Attributes are skipped, quotes respected so a `>` inside a value does not end the tag.
        var quote: UInt8?
        while index < bytes.count {
            let byte = bytes[index]
            if let open = quote {
                if byte == open { quote = nil }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                quote = byte
            } else if byte == UInt8(ascii: ">") || byte == UInt8(ascii: "/") {
                break
            }
            index += 1
        }
        let local = localName(qualified)
        if starts("/>") {
            index += 2
            return XMLElement(name: local, text: "", children: [])
        }
        guard index < bytes.count, bytes[index] == UInt8(ascii: ">") else { return nil }
        index += 1
        var text: [UInt8] = []
        var children: [XMLElement] = []
        while index < bytes.count {
            if starts("</") {
                index += 2
                guard name() == qualified else { return nil }
                while index < bytes.count, isSpace(bytes[index]) { index += 1 }
                guard index < bytes.count, bytes[index] == UInt8(ascii: ">") else { return nil }
                index += 1
                return XMLElement(name: local, text: String(decoding: text, as: UTF8.self), children: children)
            } else if starts("<![CDATA[") {
                index += 9
                let start = index
                guard skip(past: "]]>") else { return nil }
                text.append(contentsOf: bytes[start..<(index - 3)])
            } else if starts("<!--") || starts("<?") {
                skipMisc()
            } else if bytes[index] == UInt8(ascii: "<") {
                guard let child = element(depth: depth + 1) else { return nil }
                children.append(child)
            } else if bytes[index] == UInt8(ascii: "&") {
                guard decodeEntity(into: &text) else { return nil }
            } else {
                text.append(bytes[index])
                index += 1
            }
        }
        return nil
    }

    mutating func name() -> String {
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if isSpace(byte) || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "/") { break }
            index += 1
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    func localName(_ qualified: String) -> String {
        guard let colon = qualified.lastIndex(of: ":") else { return qualified }
        return String(qualified[qualified.index(after: colon)...])
    }

    mutating func decodeEntity(into text: inout [UInt8]) -> Bool {
        guard let end = bytes[index...].prefix(12).firstIndex(of: UInt8(ascii: ";")) else { return false }
        let entity = String(decoding: bytes[(index + 1)..<end], as: UTF8.self)
        index = end + 1
        switch entity {
        case "amp": text.append(UInt8(ascii: "&"))
        case "lt": text.append(UInt8(ascii: "<"))
        case "gt": text.append(UInt8(ascii: ">"))
        case "quot": text.append(UInt8(ascii: "\""))
        case "apos": text.append(UInt8(ascii: "'"))
        default:
            let scalarValue: UInt32?
            if entity.hasPrefix("#x") || entity.hasPrefix("#X") {
                scalarValue = UInt32(entity.dropFirst(2), radix: 16)
            } else if entity.hasPrefix("#") {
                scalarValue = UInt32(entity.dropFirst(), radix: 10)
            } else {
                scalarValue = nil
            }
            guard let scalarValue, let scalar = Unicode.Scalar(scalarValue) else { return false }
            text.append(contentsOf: Array(String(Character(scalar)).utf8))
        }
        return true
    }

    func starts(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        let pointer = literal.utf8Start
        for offset in 0..<count where bytes[index + offset] != pointer[offset] { return false }
        return true
    }

    /// Moves past the next occurrence of `literal`; false when it never occurs.
    mutating func skip(past literal: StaticString) -> Bool {
        while index < bytes.count {
            if starts(literal) {
                index += literal.utf8CodeUnitCount
                return true
            }
            index += 1
        }
        return false
    }

    func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\t")
    }
}

/// Escapes text for an XML element body (the DeleteObjects and CompleteMultipartUpload requests).
enum XMLEscaping {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            // XML 1.0 cannot carry most control characters even escaped; S3 keys may hold them,
            // and S3 accepts them as numeric references.
            case "\u{0}"..."\u{1F}" where character != "\t" && character != "\n":
                out += "&#x\(String(character.value, radix: 16));"
            case "\n": out += "&#xa;"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }
}
