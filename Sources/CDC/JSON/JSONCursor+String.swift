/// Where a JSON string's content lies in the buffer (between its quotes, escapes not resolved).
struct StringSpan {
    /// Index of the first content byte.
    var start: Int
    /// Content length in bytes.
    var length: Int
    /// True when the content holds a backslash escape (then it must be unescaped to be used).
    var hasEscapes: Bool
}

extension JSONCursor {
    /// Reads a string whose opening quote is the next byte, validating it on the way: no raw
    /// control characters (RFC 8259 section 7), valid escapes, well-formed UTF-8 (Unicode 15
    /// table 3-7: no overlong forms, no surrogates, nothing above U+10FFFF), paired UTF-16
    /// surrogate escapes. Eight bytes are examined at a time while none is special.
    @inline(__always) mutating func readString() throws(DecodeFailure) -> StringSpan {
        skipWhitespace()
        guard position < count, base[position] == UInt8(ascii: "\"") else { throw wrongType("a string") }
        position += 1
        let start = position
        var hasEscapes = false
        while true {
            while position + 8 <= count {
                let word = UInt64(littleEndian: UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self))
                let special = Self.specialBytes(word)
                if special != 0 {
                    position += special.trailingZeroBitCount >> 3
                    break
                }
                position += 8
            }
            guard position < count else {
                throw DecodeFailure(.malformedJSON, "truncated: a string starting at byte \(start - 1) is not closed")
            }
            let byte = base[position]
            if byte == UInt8(ascii: "\"") {
                let span = StringSpan(start: start, length: position - start, hasEscapes: hasEscapes)
                position += 1
                return span
            } else if byte == UInt8(ascii: "\\") {
                hasEscapes = true
                try skipEscape()
            } else if byte >= 0x80 {
                try skipUTF8Sequence()
            } else if byte < 0x20 {
                throw DecodeFailure(.malformedJSON, "control character 0x\(String(byte, radix: 16)) inside a string at byte \(position)")
            } else {
                position += 1
            }
        }
    }

    /// Flags (high bit of each byte lane) the bytes that end the fast scan: `"`, `\`,
    /// controls below 0x20 and non-ASCII. Borrows only create false flags above a real one,
    /// so the lowest flag is exact.
    @inline(__always) static func specialBytes(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let quoteZero = (quote &- ones) & ~quote
        let backslashZero = (backslash &- ones) & ~backslash
        let control = (word &- ones &* 0x20) & ~word
        return (quoteZero | backslashZero | control | word) & highs
    }

    /// Skips one escape at the cursor (which is on the backslash).
    private mutating func skipEscape() throws(DecodeFailure) {
        guard position + 1 < count else { throw DecodeFailure(.malformedJSON, "truncated escape at byte \(position)") }
        switch base[position + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            position += 2
        case UInt8(ascii: "u"):
            let unit = try hexUnit(at: position + 2)
            position += 6
            if unit >= 0xD800 && unit <= 0xDBFF {
                guard position + 1 < count, base[position] == UInt8(ascii: "\\"), base[position + 1] == UInt8(ascii: "u") else {
                    throw DecodeFailure(.invalidUTF8, "unpaired UTF-16 high surrogate escape at byte \(position - 6)")
                }
                let low = try hexUnit(at: position + 2)
                guard low >= 0xDC00 && low <= 0xDFFF else {
                    throw DecodeFailure(.invalidUTF8, "unpaired UTF-16 high surrogate escape at byte \(position - 6)")
                }
                position += 6
            } else if unit >= 0xDC00 && unit <= 0xDFFF {
                throw DecodeFailure(.invalidUTF8, "unpaired UTF-16 low surrogate escape at byte \(position - 6)")
            }
        default:
            throw DecodeFailure(.malformedJSON, "invalid escape at byte \(position)")
        }
    }

    /// The four hex digits at `index` as a UTF-16 unit.
    func hexUnit(at index: Int) throws(DecodeFailure) -> UInt32 {
        guard index + 4 <= count else { throw DecodeFailure(.malformedJSON, "truncated \\u escape at byte \(index - 2)") }
        var unit: UInt32 = 0
        for offset in 0..<4 {
            let byte = base[index + offset]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw DecodeFailure(.malformedJSON, "invalid \\u escape at byte \(index - 2)")
            }
            unit = unit << 4 | UInt32(digit)
        }
        return unit
    }

    /// Skips one multi-byte UTF-8 sequence at the cursor, or fails with `invalid_utf8`.
    private mutating func skipUTF8Sequence() throws(DecodeFailure) {
        let lead = base[position]
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: throw DecodeFailure(.invalidUTF8, "byte 0x\(String(lead, radix: 16)) at \(position) cannot start a UTF-8 sequence")
        }
        guard position + length <= count else {
            throw DecodeFailure(.invalidUTF8, "truncated UTF-8 sequence at byte \(position)")
        }
        let second = base[position + 1]
        guard second >= low && second <= high else {
            throw DecodeFailure(.invalidUTF8, "invalid UTF-8 continuation byte at \(position + 1)")
        }
        for index in 2..<length where base[position + index] & 0xC0 != 0x80 {
            throw DecodeFailure(.invalidUTF8, "invalid UTF-8 continuation byte at \(position + index)")
        }
        position += length
    }
}

/// Resolves the escapes of a validated string into UTF-8 bytes.
enum StringUnescaper {
    /// Appends the content of `span` (already validated by `readString`) to `output`,
    /// resolving escapes. Returns false when the content holds U+0000, which no warehouse text
    /// type can store; the bytes appended so far stay (the caller rolls the row back).
    static func append(_ span: StringSpan, from cursor: JSONCursor, to output: inout [UInt8]) -> Bool {
        let end = span.start + span.length
        var index = span.start
        var runStart = index
        while index < end {
            guard cursor.base[index] == UInt8(ascii: "\\") else {
                index += 1
                continue
            }
            if index > runStart {
                output.append(contentsOf: UnsafeBufferPointer(start: cursor.base + runStart, count: index - runStart))
            }
            let kind = cursor.base[index + 1]
            index += 2
            switch kind {
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = (try? cursor.hexUnit(at: index)) ?? 0xFFFD
                index += 4
                if scalar >= 0xD800 && scalar <= 0xDBFF, index + 6 <= end {
                    let low = (try? cursor.hexUnit(at: index + 2)) ?? 0xDC00
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    index += 6
                }
                if scalar == 0 { return false }
                appendUTF8(scalar, to: &output)
            default: output.append(kind)  // \" \\ \/
            }
            runStart = index
        }
        if end > runStart {
            output.append(contentsOf: UnsafeBufferPointer(start: cursor.base + runStart, count: end - runStart))
        }
        return true
    }

    /// Appends the UTF-8 encoding of `scalar` (≤ U+10FFFF, not a surrogate).
    static func appendUTF8(_ scalar: UInt32, to output: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            output.append(UInt8(scalar))
        case 0x80..<0x800:
            output.append(UInt8(0xC0 | scalar >> 6))
            output.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            output.append(UInt8(0xE0 | scalar >> 12))
            output.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            output.append(UInt8(0x80 | scalar & 0x3F))
        default:
            output.append(UInt8(0xF0 | scalar >> 18))
            output.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            output.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            output.append(UInt8(0x80 | scalar & 0x3F))
        }
    }
}
