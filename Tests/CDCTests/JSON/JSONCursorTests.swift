@testable import CDC
import Testing

@Suite("JSON scanner")
struct JSONCursorTests {
    /// Runs `body` on a cursor over `text`.
    private func with<R>(_ text: String, _ body: (inout JSONCursor) throws(DecodeFailure) -> R) -> Result<R, DecodeFailure> {
        var bytes = Array(text.utf8)
        let count = bytes.count
        return bytes.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return .failure(DecodeFailure(.malformedJSON, "empty")) }
            var cursor = JSONCursor(base: base, count: count, maxDepth: 64)
            return Result { () throws(DecodeFailure) -> R in try body(&cursor) }
        }
    }

    private func reason<R>(_ result: Result<R, DecodeFailure>) -> DeadLetterReason? {
        if case .failure(let failure) = result { return failure.reason }
        return nil
    }

    @Test("validates whole documents of every shape", arguments: [
        "{}", "[]", "0", "-0", "1.5e-3", "\"\"", "true", "null", "[1,[2,[3,{}]],{\"a\":{\"b\":[]}}]",
        " { \"a\" : [ 1 , 2 ] , \"b\" : null } ", "\"\\u00e9\\ud83d\\ude00\\/\\b\\f\\n\\r\\t\"", "123456789012345678901234567890",
    ])
    func valid(text: String) {
        let result = with(text) { (cursor: inout JSONCursor) throws(DecodeFailure) in
            try cursor.skipValue()
            try cursor.expectEnd()
        }
        #expect(reason(result) == nil, "\(result)")
    }

    @Test("refuses malformed documents", arguments: [
        "{", "[1,]", "{\"a\" 1}", "{\"a\":}", "01", "1.", "-", "1e", "tru", "\"abc", "\"\\x\"", "[1 2]", "{1:2}", "\"\u{01}\"", "}",
        "\"\\u12\"",
    ])
    func malformed(text: String) {
        let result = with(text) { (cursor: inout JSONCursor) throws(DecodeFailure) in
            try cursor.skipValue()
            try cursor.expectEnd()
        }
        #expect(reason(result) == .malformedJSON, "\(text)")
    }

    @Test("nesting is bounded")
    func depth() {
        let ok = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        let skip = { (cursor: inout JSONCursor) throws(DecodeFailure) in try cursor.skipValue() }
        #expect(reason(with(ok, skip)) == nil)
        #expect(reason(with(deep, skip)) == .malformedJSON)
        let parse = { (cursor: inout JSONCursor) throws(DecodeFailure) in _ = try JSONValue.parse(&cursor) }
        #expect(reason(with(deep, parse)) == .malformedJSON)
    }

    @Test("strings longer than one eight-byte word, with specials at every position")
    func longStrings() {
        for position in 0..<20 {
            var text = Array(repeating: "a", count: 20)
            text[position] = "é"
            let string = "\"" + text.joined() + "\""
            let span = with(string) { (cursor: inout JSONCursor) throws(DecodeFailure) in try cursor.readString() }
            #expect((try? span.get().length) == 21, "\(position)")
            let quoted = "\"" + Array(repeating: "b", count: position).joined() + "\\\"" + "c\""
            let escaped = with(quoted) { (cursor: inout JSONCursor) throws(DecodeFailure) in try cursor.readString() }
            #expect((try? escaped.get().hasEscapes) == true)
        }
    }

    @Test("integers: the Int64 edges, overflow, fractions", arguments: [
        ("9223372036854775807", Int64.max as Int64?), ("-9223372036854775808", Int64.min), ("0", 0), ("-0", 0),
        ("9223372036854775808", nil), ("-9223372036854775809", nil), ("18446744073709551616", nil), ("1.0", nil), ("1e3", nil),
    ])
    func integers(text: String, expected: Int64?) {
        let result = with(text) { (cursor: inout JSONCursor) throws(DecodeFailure) in try cursor.readInteger(in: Int64.min...Int64.max) }
        switch (result, expected) {
        case (.success(let value), let expected?): #expect(value == expected)
        case (.failure(let failure), nil): #expect(failure.reason == .typeMismatch)
        default: Issue.record("\(text): \(result)")
        }
    }

    @Test("doubles: the fast path and the exact slow path agree with Swift's parser", arguments: [
        "0.1", "-123.456", "1e22", "1e23", "9007199254740993", "2.2250738585072014e-308", "4.9e-324", "1.7976931348623157e308",
        "0.30000000000000004", "123456789.123456789", "5e-324",
    ])
    func doubles(text: String) {
        let result = with(text) { (cursor: inout JSONCursor) throws(DecodeFailure) in try cursor.readDouble() }
        #expect((try? result.get()) == Double(text), "\(text)")
    }
}
