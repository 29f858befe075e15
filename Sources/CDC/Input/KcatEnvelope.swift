/// One line of `kcat -J` output: a record with its coordinates, key and value as the bytes
/// the broker holds. kcat writes non-UTF-8 bytes as they are, so key and payload are
/// unescaped without UTF-8 validation (the decoder validates the value itself).
public struct KcatEnvelope: Sendable {
    /// The topic.
    public var topic: String
    /// The partition.
    public var partition: Int32
    /// The offset.
    public var offset: Int64
    /// The record timestamp, milliseconds since the epoch (0 when absent).
    public var timestampMs: Int64
    /// The key bytes, nil for a null key.
    public var key: [UInt8]?
    /// The value bytes, nil for a tombstone.
    public var payload: [UInt8]?

    /// A record with every attribute given.
    public init(topic: String, partition: Int32, offset: Int64, timestampMs: Int64, key: [UInt8]?, payload: [UInt8]?) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.timestampMs = timestampMs
        self.key = key
        self.payload = payload
    }

    /// True when `line` looks like a kcat envelope (an object whose first member is `topic`).
    public static func looksLikeEnvelope(_ line: UnsafeRawBufferPointer) -> Bool {
        let prefix = Array("{\"topic\"".utf8)
        var index = 0
        while index < line.count && (line[index] == 0x20 || line[index] == 0x09) { index += 1 }
        return line.count - index >= prefix.count && zip(line[index...], prefix).allSatisfy { $0 == $1 }
    }

    /// Parses one envelope line; nil when it is not a well-formed envelope with a topic.
    public static func parse(_ line: UnsafeRawBufferPointer) -> KcatEnvelope? {
        guard let base = line.baseAddress, line.count > 0 else { return nil }
        var cursor = JSONCursor(base: base.assumingMemoryBound(to: UInt8.self), count: line.count, maxDepth: 8)
        var envelope = KcatEnvelope(topic: "", partition: 0, offset: 0, timestampMs: 0, key: nil, payload: nil)
        var sawTopic = false
        do {
            try cursor.expect(UInt8(ascii: "{"), "an object")
            if !cursor.consume(UInt8(ascii: "}")) {
                repeat {
                    cursor.skipWhitespace()
                    guard cursor.peek == UInt8(ascii: "\"") else { throw cursor.unexpected("a member name") }
                    let name = try cursor.readString()
                    let member = cursor.text(name.start, name.start + name.length)
                    try cursor.expect(UInt8(ascii: ":"), "`:`")
                    cursor.skipWhitespace()
                    switch member {
                    case "topic":
                        envelope.topic = String(decoding: try cursor.readRawString() ?? [], as: UTF8.self)
                        sawTopic = true
                    case "partition": envelope.partition = Int32(try cursor.readInteger(in: Int64(Int32.min)...Int64(Int32.max)))
                    case "offset": envelope.offset = try cursor.readInteger(in: Int64.min...Int64.max)
                    case "ts": envelope.timestampMs = try cursor.readInteger(in: Int64.min...Int64.max)
                    case "key": envelope.key = try cursor.readRawString()
                    case "payload": envelope.payload = try cursor.readRawString()
                    default: try cursor.skipValue()
                    }
                } while cursor.consume(UInt8(ascii: ","))
                try cursor.expect(UInt8(ascii: "}"), "`,` or `}`")
            }
            try cursor.expectEnd()
        } catch {
            return nil
        }
        return sawTopic ? envelope : nil
    }
}

extension JSONCursor {
    /// A string's bytes with escapes resolved but without UTF-8 validation, or nil for `null`.
    mutating func readRawString() throws(DecodeFailure) -> [UInt8]? {
        skipWhitespace()
        if consumeNull() { return nil }
        guard peek == UInt8(ascii: "\"") else { throw wrongType("a string") }
        position += 1
        let start = position
        var hasEscapes = false
        while position < count && base[position] != UInt8(ascii: "\"") {
            if base[position] == UInt8(ascii: "\\") {
                hasEscapes = true
                guard position + 1 < count else { break }
                position += base[position + 1] == UInt8(ascii: "u") ? 6 : 2
            } else {
                position += 1
            }
        }
        guard position < count else { throw DecodeFailure(.malformedJSON, "a string starting at byte \(start - 1) is not closed") }
        let span = StringSpan(start: start, length: position - start, hasEscapes: hasEscapes)
        position += 1
        var bytes: [UInt8] = []
        bytes.reserveCapacity(span.length)
        if hasEscapes {
            // A \u0000 escape is kept out, as everywhere; the decoder judges the value anyway.
            _ = StringUnescaper.append(span, from: self, to: &bytes)
        } else {
            bytes.append(contentsOf: UnsafeBufferPointer(start: base + start, count: span.length))
        }
        return bytes
    }
}
