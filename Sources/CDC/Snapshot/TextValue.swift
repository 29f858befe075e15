import Catalog

/// Reads one value given as text (a CSV field, a Parquet string) into a column store with the
/// decoder's own conversions, so that every format is checked by one set of rules (ranges,
/// exact decimals, UTF-8, NUL, byte limits, ISO-8601, UUIDs, JSON).
///
/// The text is first written as the JSON token an NDJSON file would hold for it: a number or
/// `true`/`false` for numeric and boolean columns when the text has that shape, else a JSON
/// string. The token is then read by `ValueDecoding` like any payload value.
struct TextValue {
    /// The token being read; reused from value to value.
    private var token = JSONWriter(capacity: 256)
    /// A quoted CSV field's text with its `""` pairs undone; reused.
    private var unescaped: [UInt8] = []

    /// Appends `text` (with `""` pairs standing for `"` when `doubledQuotes`) to `store`
    /// through `conversion`; `column` names the column in failure messages.
    mutating func append(
        _ text: UnsafeBufferPointer<UInt8>, doubledQuotes: Bool, conversion: Conversion, column: @autoclosure () -> String,
        into store: UnsafeMutablePointer<ColumnStore>
    ) throws(DecodeFailure) {
        token.bytes.removeAll(keepingCapacity: true)
        if doubledQuotes {
            unescaped.removeAll(keepingCapacity: true)
            CSVField.unescape(text, doubledQuotes: true, into: &unescaped)
            let source = unescaped  // shares the storage; only `token` is written below
            source.withUnsafeBufferPointer { writeToken($0, conversion: conversion) }
        } else {
            writeToken(text, conversion: conversion)
        }
        let result: Result<Void, DecodeFailure> = token.bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(DecodeFailure) in
                guard let base = buffer.baseAddress else { return }
                var cursor = JSONCursor(base: base, count: buffer.count, maxDepth: 64)
                try ValueDecoding.decode(conversion, &cursor, into: store)
                try cursor.expectEnd()
            }
        }
        guard case .failure(let failure) = result else { return }
        // The token is ours, so a JSON syntax error means the text has the wrong shape.
        switch failure.reason {
        case .typeMismatch, .malformedJSON:
            let shown = String(decoding: UnsafeBufferPointer(rebasing: text.prefix(64)), as: UTF8.self)
            throw DecodeFailure(.typeMismatch, "column `\(column())`: `\(shown)` is not \(Self.expected(conversion))")
        default:
            throw DecodeFailure(failure.reason, "column `\(column())`: \(failure.message)")
        }
    }

    /// Appends `text` (no `""` pairs) to `store` directly when it has the plain form of the
    /// commonest conversions and passes their checks: varchar text (`PlainText`), an integer
    /// of at most 18 digits with an optional sign and no leading zero, within range, a boolean
    /// literal. The value stored is the one `append` stores for the same text. Returns false,
    /// having appended nothing, for anything else: `append` then reads it or says why not.
    @inline(__always)
    static func appendPlain(_ text: UnsafeBufferPointer<UInt8>, _ conversion: Conversion, into store: UnsafeMutablePointer<ColumnStore>) -> Bool {
        guard let base = text.baseAddress else { return false }
        switch conversion {
        case .text(let maxBytes):
            guard PlainText.isStorable(base, count: text.count, maxBytes: maxBytes) else { return false }
            store.pointee.append(bytes: base, count: text.count)
        case .integer(let range):
            guard let value = plainInteger(text), range.contains(value) else { return false }
            store.pointee.append(value)
        case .boolean:
            guard let value = booleanLiteral(text) else { return false }
            store.pointee.append(value)
        default:
            return false
        }
        return true
    }

    /// `[+-]digits`: 1 to 18 digits (so that the value fits without an overflow check), no
    /// leading zero; nil for any other text.
    @inline(__always)
    private static func plainInteger(_ text: UnsafeBufferPointer<UInt8>) -> Int64? {
        var index = 0
        let negative = text.first == UInt8(ascii: "-")
        if negative || text.first == UInt8(ascii: "+") { index = 1 }
        let digits = text.count - index
        guard digits >= 1, digits <= 18, digits == 1 || text[index] != UInt8(ascii: "0") else { return nil }
        var value: Int64 = 0
        while index < text.count {
            let digit = text[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            value = value &* 10 &+ Int64(digit)
            index += 1
        }
        return negative ? -value : value
    }

    private mutating func writeToken(_ text: UnsafeBufferPointer<UInt8>, conversion: Conversion) {
        switch conversion {
        case .boolean:
            if let value = Self.booleanLiteral(text) {
                token.boolean(value)
                return
            }
        case .integer, .floating:
            // A leading `+` is valid in text (PostgreSQL accepts it), not in JSON.
            let digits = text.first == UInt8(ascii: "+") ? UnsafeBufferPointer(rebasing: text.dropFirst()) : text
            if !digits.isEmpty && digits.allSatisfy(Self.isNumberByte) {
                token.bytes.append(contentsOf: digits)
                return
            }
        default:
            break
        }
        // Most text needs no JSON escape: then it is copied whole, else JSONWriter escapes it.
        if text.contains(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 < 0x20 }) {
            token.string(utf8: text)
        } else {
            token.bytes.append(UInt8(ascii: "\""))
            token.bytes.append(contentsOf: text)
            token.bytes.append(UInt8(ascii: "\""))
        }
    }

    /// Bytes that may make up a number in text form: digits, sign, point, exponent, spaces.
    private static func isNumberByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."), UInt8(ascii: "e"),
            UInt8(ascii: "E"), UInt8(ascii: " "), 0x09:
            true
        default: false
        }
    }

    /// PostgreSQL's boolean literals (`true`/`false`, `t`/`f`, `yes`/`no`, `y`/`n`, `on`/`off`,
    /// `1`/`0`), any case, surrounding spaces ignored; nil for anything else.
    static func booleanLiteral(_ text: UnsafeBufferPointer<UInt8>) -> Bool? {
        // Up to five letters, lowercased, packed into one integer.
        var word: UInt64 = 0
        var length = 0
        for byte in text where byte != UInt8(ascii: " ") && byte != 0x09 {
            guard length < 5 else { return nil }
            word = word << 8 | UInt64(byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte)
            length += 1
        }
        if trueWords.contains(word) { return true }
        if falseWords.contains(word) { return false }
        return nil
    }

    private static let trueWords = ["true", "t", "yes", "y", "on", "1"].map(packed)
    private static let falseWords = ["false", "f", "no", "n", "off", "0"].map(packed)

    private static func packed(_ word: String) -> UInt64 {
        word.utf8.reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// What a value of `conversion` looks like, for messages.
    private static func expected(_ conversion: Conversion) -> String {
        switch conversion {
        case .boolean: "a boolean (true/false, t/f, yes/no, on/off, 1/0)"
        case .integer: "an integer"
        case .floating: "a number"
        case .decimalText: "a decimal number"
        case .isoDate: "a date (YYYY-MM-DD)"
        case .localTime: "a time of day (HH:MM:SS[.ffffff])"
        case .localTimestamp: "a timestamp without offset (YYYY-MM-DD HH:MM:SS[.ffffff])"
        case .zonedTimestamp: "a timestamp with an offset"
        case .zonedTime: "a time of day with an offset"
        case .uuid: "a UUID"
        case .bytes: "base64"
        default: "valid for its column"
        }
    }
}
