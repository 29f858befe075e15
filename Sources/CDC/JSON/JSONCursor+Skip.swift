extension JSONCursor {
    /// Skips one JSON value of any kind, validating it completely (strings, numbers, nesting
    /// up to `maxDepth`), without recursion: a 64-bit stack records whether each open
    /// container is an object.
    mutating func skipValue() throws(DecodeFailure) {
        var depth = 0
        var objectBits: UInt64 = 0
        while true {
            // At a value.
            skipWhitespace()
            switch peek {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                let isObject = peek == UInt8(ascii: "{")
                guard depth < maxDepth else {
                    throw DecodeFailure(.malformedJSON, "nesting deeper than \(maxDepth) at byte \(position)")
                }
                position += 1
                objectBits = objectBits << 1 | (isObject ? 1 : 0)
                depth += 1
                if consume(isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    objectBits >>= 1
                    depth -= 1
                } else {
                    if isObject { try readMemberName() }
                    continue
                }
            case UInt8(ascii: "\""):
                _ = try readString()
            case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
                guard consumeLiteral("true") || consumeLiteral("false") || consumeLiteral("null") else {
                    throw unexpected("a value")
                }
            default:
                _ = try readNumber()
            }
            // After a value: close containers until one continues.
            while true {
                if depth == 0 { return }
                let inObject = objectBits & 1 == 1
                if consume(UInt8(ascii: ",")) {
                    if inObject { try readMemberName() }
                    break
                }
                try expect(inObject ? UInt8(ascii: "}") : UInt8(ascii: "]"), inObject ? "`,` or `}`" : "`,` or `]`")
                objectBits >>= 1
                depth -= 1
            }
        }
    }

    /// Reads `"name":`.
    private mutating func readMemberName() throws(DecodeFailure) {
        skipWhitespace()
        guard peek == UInt8(ascii: "\"") else { throw unexpected("a member name") }
        _ = try readString()
        try expect(UInt8(ascii: ":"), "`:`")
    }
}
