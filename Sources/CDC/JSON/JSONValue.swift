/// A parsed JSON document, for the cold paths only: Connect schemas (parsed once per distinct
/// schema), Kafka keys of tombstones, heartbeats and kcat envelopes. The row payload never
/// goes through this type.
enum JSONValue: Sendable {
    case null
    case bool(Bool)
    /// A number, kept as its exact text.
    case number(String)
    case string(String)
    case array([JSONValue])
    /// Members in document order.
    case object([(String, JSONValue)])

    /// The member `name` of an object, or nil.
    subscript(name: String) -> JSONValue? {
        if case .object(let members) = self { return members.first { $0.0 == name }?.1 }
        return nil
    }

    /// The text of a string, or nil.
    var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// An integral number, or nil.
    var int64: Int64? {
        if case .number(let text) = self { return Int64(text) }
        return nil
    }

    /// True for `null`.
    var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// Parses one JSON value from `cursor` (depth-limited by `cursor.maxDepth`), leaving the
    /// cursor after it.
    static func parse(_ cursor: inout JSONCursor, depth: Int = 0) throws(DecodeFailure) -> JSONValue {
        cursor.skipWhitespace()
        if (cursor.peek == UInt8(ascii: "{") || cursor.peek == UInt8(ascii: "[")) && depth >= cursor.maxDepth {
            throw DecodeFailure(.malformedJSON, "nesting deeper than \(cursor.maxDepth) at byte \(cursor.position)")
        }
        switch cursor.peek {
        case UInt8(ascii: "{"):
            cursor.position += 1
            var members: [(String, JSONValue)] = []
            if cursor.consume(UInt8(ascii: "}")) { return .object(members) }
            repeat {
                cursor.skipWhitespace()
                guard cursor.peek == UInt8(ascii: "\"") else { throw cursor.unexpected("a member name") }
                let name = try parseString(&cursor)
                try cursor.expect(UInt8(ascii: ":"), "`:`")
                members.append((name, try parse(&cursor, depth: depth + 1)))
            } while cursor.consume(UInt8(ascii: ","))
            try cursor.expect(UInt8(ascii: "}"), "`,` or `}`")
            return .object(members)
        case UInt8(ascii: "["):
            cursor.position += 1
            var items: [JSONValue] = []
            if cursor.consume(UInt8(ascii: "]")) { return .array(items) }
            repeat {
                items.append(try parse(&cursor, depth: depth + 1))
            } while cursor.consume(UInt8(ascii: ","))
            try cursor.expect(UInt8(ascii: "]"), "`,` or `]`")
            return .array(items)
        case UInt8(ascii: "\""):
            return .string(try parseString(&cursor))
        case UInt8(ascii: "t"), UInt8(ascii: "f"):
            return .bool(try cursor.readBoolean())
        case UInt8(ascii: "n"):
            guard cursor.consumeNull() else { throw cursor.unexpected("a value") }
            return .null
        default:
            let token = try cursor.readNumber()
            return .number(cursor.text(token.start, token.end))
        }
    }

    /// Parses a whole buffer as one JSON value with nothing after it.
    static func parse(_ bytes: UnsafeRawBufferPointer, maxDepth: Int) throws(DecodeFailure) -> JSONValue {
        guard let base = bytes.baseAddress, bytes.count > 0 else { throw DecodeFailure(.malformedJSON, "empty input") }
        var cursor = JSONCursor(base: base.assumingMemoryBound(to: UInt8.self), count: bytes.count, maxDepth: maxDepth)
        let value = try parse(&cursor)
        try cursor.expectEnd()
        return value
    }

    private static func parseString(_ cursor: inout JSONCursor) throws(DecodeFailure) -> String {
        let span = try cursor.readString()
        guard span.hasEscapes else { return cursor.text(span.start, span.start + span.length) }
        var bytes: [UInt8] = []
        _ = StringUnescaper.append(span, from: cursor, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}
