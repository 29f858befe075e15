import Catalog

/// The conversions of `Conversion`, each reading one non-null JSON value at the cursor and
/// appending it to one column store. Every check that the warehouse would otherwise fail the
/// whole COPY on (ranges, precision, byte lengths, UTF-8, NUL) happens here.
enum ValueDecoding {
    static func decode(_ conversion: Conversion, _ cursor: inout JSONCursor, into store: UnsafeMutablePointer<ColumnStore>) throws(DecodeFailure) {
        switch conversion {
        case .boolean:
            store.pointee.append(try cursor.readBoolean())
        case .integer(let range):
            store.pointee.append(try cursor.readInteger(in: range))
        case .floating:
            store.pointee.append(try readFloating(&cursor))
        case .decimal(let fieldScale, let target):
            store.pointee.append(decimal: try readDecimal(&cursor, fieldScale: fieldScale, target: target))
        case .decimalText(let target):
            store.pointee.append(decimal: try readDecimalText(&cursor, target: target))
        case .variableScaleDecimal(let target):
            let (unscaled, scale) = try readVariableScaleDecimal(&cursor)
            store.pointee.append(decimal: try rescaled(unscaled, from: scale, to: target))
        case .variableScaleDecimalText(let maxBytes):
            let (unscaled, scale) = try readVariableScaleDecimal(&cursor)
            var writer = JSONWriter(capacity: 48)
            DecimalCodec.format(unscaled, scale: scale, into: &writer)
            try appendChecked(writer.bytes, maxBytes: maxBytes, into: store)
        case .text(let maxBytes):
            try appendString(&cursor, maxBytes: maxBytes, into: store)
        case .jsonText(let maxBytes):
            try appendString(&cursor, maxBytes: maxBytes, into: store, mustBeJSON: true)
        case .jsonValue(let maxBytes):
            cursor.skipWhitespace()
            let start = cursor.position
            try cursor.skipValue()
            let length = cursor.position - start
            guard length <= maxBytes else { throw tooLong(length, maxBytes) }
            store.pointee.append(bytes: cursor.base + start, count: length)
        case .uuid:
            try appendUUID(&cursor, into: store)
        case .bytes(let maxBytes):
            try appendBase64(&cursor, maxBytes: maxBytes, into: store)
        case .binaryText(let maxBytes, let encoding):
            switch encoding {
            case .base64: try appendBase64(&cursor, maxBytes: maxBytes, into: store)
            case .base64URLSafe: try appendBase64(&cursor, maxBytes: maxBytes, urlSafe: true, into: store)
            case .hex: try appendHex(&cursor, maxBytes: maxBytes, into: store)
            }
        case .days:
            try appendInteger(try cursor.readInteger(in: Int64(Int32.min)...Int64(Int32.max)), conversion, into: store)
        case .timeOfDay, .epochTimestamp:
            try appendInteger(try cursor.readInteger(in: Int64.min...Int64.max), conversion, into: store)
        case .zonedTime:
            store.pointee.append(try parseString(&cursor, TimeParser.zonedTime))
        case .zonedTimestamp:
            store.pointee.append(try parseString(&cursor, TimeParser.zonedTimestamp))
        case .isoDate:
            // TimeParser.date keeps days within 4713 BC...294246 AD, far inside Int32.
            store.pointee.append(Int32(truncatingIfNeeded: try parseString(&cursor, TimeParser.date)))
        case .localTime:
            store.pointee.append(try parseString(&cursor, TimeParser.localTime))
        case .localTimestamp:
            store.pointee.append(try parseString(&cursor, TimeParser.localTimestamp))
        }
    }

    // MARK: Numbers

    private static func readFloating(_ cursor: inout JSONCursor) throws(DecodeFailure) -> Double {
        cursor.skipWhitespace()
        guard cursor.peek == UInt8(ascii: "\"") else { return try cursor.readDouble() }
        // JsonConverter (Jackson) writes non-finite doubles as these strings.
        let span = try cursor.readString()
        let text = cursor.text(span.start, span.start + span.length)
        switch text {
        case "NaN": return .nan
        case "Infinity": return .infinity
        case "-Infinity": return -.infinity
        default: throw DecodeFailure(.typeMismatch, "expected a number, found the string `\(text)`")
        }
    }

    // MARK: Decimals

    private static func readDecimal(_ cursor: inout JSONCursor, fieldScale: Int, target: DecimalTarget) throws(DecodeFailure) -> Int128 {
        cursor.skipWhitespace()
        guard cursor.peek == UInt8(ascii: "\"") else {
            // decimal.format=NUMERIC: a plain JSON number.
            return try readDecimalText(&cursor, target: target)
        }
        let unscaled = try withStringBytes(&cursor) { text, length throws(DecodeFailure) in
            try twosComplement(base64: text, length: length)
        }
        return try rescaled(unscaled, from: fieldScale, to: target)
    }

    /// A big-endian two's complement integer from base64, streamed into 128 bits.
    static func twosComplement(base64 text: UnsafePointer<UInt8>, length: Int) throws(DecodeFailure) -> Int128 {
        var value: Int128 = 0
        var count = 0
        var negative = false
        var overflow = false
        let valid = Base64.decode(text, length: length) { byte in
            if count == 0 {
                negative = byte & 0x80 != 0
                value = negative ? -1 : 0
            } else if count >= 16 && UInt8(truncatingIfNeeded: value >> 120) != (negative ? 0xFF : 0) {
                overflow = true
            }
            value = value << 8 | Int128(byte)
            count += 1
        }
        guard valid else {
            throw DecodeFailure(.badBase64, "`\(String(decoding: UnsafeBufferPointer(start: text, count: length), as: UTF8.self))` is not base64")
        }
        if overflow || (count > 16 && (value < 0) != negative) {
            throw DecodeFailure(.decimalOverflow, "the unscaled decimal needs more than 128 bits (\(count) bytes)")
        }
        return value
    }

    private static func readDecimalText(_ cursor: inout JSONCursor, target: DecimalTarget) throws(DecodeFailure) -> Int128 {
        cursor.skipWhitespace()
        let unscaled: Int128
        if cursor.peek == UInt8(ascii: "\"") {
            unscaled = try withStringBytes(&cursor) { text, length throws(DecodeFailure) in
                try DecimalCodec.parse(UnsafeBufferPointer(start: text, count: length), scale: target.scale)
            }
        } else {
            let token = try cursor.readNumber()
            unscaled = try DecimalCodec.parse(UnsafeBufferPointer(start: cursor.base + token.start, count: token.end - token.start), scale: target.scale)
        }
        guard DecimalCodec.fits(unscaled, precision: target.precision) else { throw precisionOverflow(unscaled, target.scale, target) }
        return unscaled
    }

    /// `unscaled` at `scale` moved exactly to the target's scale and checked against its
    /// precision, else `decimal_overflow`.
    static func rescaled(_ unscaled: Int128, from scale: Int, to target: DecimalTarget) throws(DecodeFailure) -> Int128 {
        guard let value = DecimalCodec.rescale(unscaled, by: target.scale - scale) else {
            // Moving to a smaller scale fails only on the dropped digits; otherwise the result
            // has too many digits, a precision overflow.
            guard target.scale < scale else { throw precisionOverflow(unscaled, scale, target) }
            var writer = JSONWriter()
            DecimalCodec.format(unscaled, scale: scale, into: &writer)
            throw DecodeFailure(.decimalOverflow, "decimal \(writer.text) has more fractional digits than scale \(target.scale)")
        }
        guard DecimalCodec.fits(value, precision: target.precision) else { throw precisionOverflow(value, target.scale, target) }
        return value
    }

    private static func precisionOverflow(_ unscaled: Int128, _ scale: Int, _ target: DecimalTarget) -> DecodeFailure {
        var writer = JSONWriter()
        DecimalCodec.format(unscaled, scale: scale, into: &writer)
        return DecodeFailure(.decimalOverflow, "decimal \(writer.text) exceeds DECIMAL(\(target.precision),\(target.scale))")
    }

    /// Debezium `VariableScaleDecimal`: `{"scale": int32, "value": base64}`, members in any order.
    private static func readVariableScaleDecimal(_ cursor: inout JSONCursor) throws(DecodeFailure) -> (Int128, Int) {
        guard cursor.consume(UInt8(ascii: "{")) else { throw cursor.wrongType("a {scale, value} object") }
        var scale: Int?
        var unscaled: Int128?
        if !cursor.consume(UInt8(ascii: "}")) {
            repeat {
                cursor.skipWhitespace()
                guard cursor.peek == UInt8(ascii: "\"") else { throw cursor.unexpected("a member name") }
                let name = try cursor.readString()
                let text = cursor.text(name.start, name.start + name.length)
                try cursor.expect(UInt8(ascii: ":"), "`:`")
                cursor.skipWhitespace()
                switch text {
                case "scale": scale = Int(try cursor.readInteger(in: 0...Int64(ColumnType.maxDecimalPrecision)))
                case "value":
                    unscaled = try withStringBytes(&cursor) { bytes, length throws(DecodeFailure) in
                        try twosComplement(base64: bytes, length: length)
                    }
                default: throw DecodeFailure(.schemaMismatch, "VariableScaleDecimal has an unknown member `\(text)`")
                }
            } while cursor.consume(UInt8(ascii: ","))
            try cursor.expect(UInt8(ascii: "}"), "`,` or `}`")
        }
        guard let scale, let unscaled else {
            throw DecodeFailure(.missingRequiredField, "VariableScaleDecimal needs both `scale` and `value`")
        }
        return (unscaled, scale)
    }

    // MARK: Text and bytes

    /// The string at the cursor (unescaped) parsed by `parse` (one of `TimeParser`'s forms).
    private static func parseString(
        _ cursor: inout JSONCursor, _ parse: (UnsafePointer<UInt8>, Int) throws(DecodeFailure) -> Int64
    ) throws(DecodeFailure) -> Int64 {
        try withStringBytes(&cursor) { text, length throws(DecodeFailure) in try parse(text, length) }
    }

    /// Calls `body` with the string at the cursor, unescaped (escapes are rare in these values,
    /// so only then is a temporary array made).
    private static func withStringBytes<R>(
        _ cursor: inout JSONCursor, _ body: (UnsafePointer<UInt8>, Int) throws(DecodeFailure) -> R
    ) throws(DecodeFailure) -> R {
        let span = try cursor.readString()
        guard span.hasEscapes else { return try body(cursor.base + span.start, span.length) }
        var bytes: [UInt8] = []
        _ = StringUnescaper.append(span, from: cursor, to: &bytes)
        let result: Result<R, DecodeFailure> = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(DecodeFailure) -> R in try body(buffer.baseAddress ?? cursor.base, buffer.count) }
        }
        return try result.get()
    }

    private static func appendString(
        _ cursor: inout JSONCursor, maxBytes: Int, into store: UnsafeMutablePointer<ColumnStore>, mustBeJSON: Bool = false
    ) throws(DecodeFailure) {
        let span = try cursor.readString()
        if !span.hasEscapes {
            guard span.length <= maxBytes else { throw tooLong(span.length, maxBytes) }
            if mustBeJSON { try validateJSON(cursor.base + span.start, span.length) }
            store.pointee.append(bytes: cursor.base + span.start, count: span.length)
            return
        }
        guard StringUnescaper.append(span, from: cursor, to: &store.pointee.bytes) else {
            throw DecodeFailure(.invalidValue, "text holds U+0000, which no warehouse text type stores")
        }
        let length = store.pointee.pendingByteCount
        guard length <= maxBytes else { throw tooLong(length, maxBytes) }
        if mustBeJSON {
            let start = store.pointee.bytes.count - length
            let result: Result<Void, DecodeFailure> = store.pointee.bytes.withUnsafeBufferPointer { buffer in
                Result { () throws(DecodeFailure) in
                    guard let base = buffer.baseAddress else { return }
                    try validateJSON(base + start, length)
                }
            }
            try result.get()
        }
        store.pointee.finishBytes()
    }

    private static func validateJSON(_ text: UnsafePointer<UInt8>, _ length: Int) throws(DecodeFailure) {
        var inner = JSONCursor(base: text, count: length, maxDepth: 64)
        do {
            try inner.skipValue()
            try inner.expectEnd()
        } catch {
            throw DecodeFailure(.invalidValue, "a Json value is not a JSON document: \(error.message)")
        }
    }

    private static func appendChecked(_ bytes: [UInt8], maxBytes: Int, into store: UnsafeMutablePointer<ColumnStore>) throws(DecodeFailure) {
        guard bytes.count <= maxBytes else { throw tooLong(bytes.count, maxBytes) }
        store.pointee.bytes.append(contentsOf: bytes)
        store.pointee.finishBytes()
    }

    private static func appendUUID(_ cursor: inout JSONCursor, into store: UnsafeMutablePointer<ColumnStore>) throws(DecodeFailure) {
        try withStringBytes(&cursor) { text, length throws(DecodeFailure) in
            let valid = length == 36
                && (0..<36).allSatisfy { index in
                    let byte = text[index]
                    if index == 8 || index == 13 || index == 18 || index == 23 { return byte == UInt8(ascii: "-") }
                    return Base16.value(byte) != nil
                }
            guard valid else {
                throw DecodeFailure(.invalidValue, "`\(String(decoding: UnsafeBufferPointer(start: text, count: length), as: UTF8.self))` is not a UUID")
            }
            for index in 0..<36 {
                let byte = text[index]
                store.pointee.bytes.append(byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "F") ? byte + 32 : byte)
            }
            store.pointee.finishBytes()
        }
    }

    private static func appendBase64(
        _ cursor: inout JSONCursor, maxBytes: Int, urlSafe: Bool = false, into store: UnsafeMutablePointer<ColumnStore>
    ) throws(DecodeFailure) {
        try withStringBytes(&cursor) { text, length throws(DecodeFailure) in
            guard Base64.decodedLength(length) - 2 <= maxBytes else { throw tooLong(length / 4 * 3, maxBytes) }
            let valid = Base64.decode(text, length: length, urlSafe: urlSafe) { store.pointee.bytes.append($0) }
            guard valid else { throw DecodeFailure(.badBase64, "a bytes value is not base64") }
            guard store.pointee.pendingByteCount <= maxBytes else { throw tooLong(store.pointee.pendingByteCount, maxBytes) }
            store.pointee.finishBytes()
        }
    }

    /// Hex text (two digits per byte, either case), as Debezium's `binary.handling.mode=hex`
    /// writes `bytea`.
    private static func appendHex(_ cursor: inout JSONCursor, maxBytes: Int, into store: UnsafeMutablePointer<ColumnStore>) throws(DecodeFailure) {
        try withStringBytes(&cursor) { text, length throws(DecodeFailure) in
            guard length % 2 == 0 else { throw DecodeFailure(.invalidValue, "hex bytes need an even number of digits, found \(length)") }
            guard length / 2 <= maxBytes else { throw tooLong(length / 2, maxBytes) }
            var index = 0
            while index < length {
                guard let high = Base16.value(text[index]), let low = Base16.value(text[index + 1]) else {
                    throw DecodeFailure(.invalidValue, "`\(String(decoding: UnsafeBufferPointer(start: text, count: length), as: UTF8.self))` is not hex")
                }
                store.pointee.bytes.append(high << 4 | low)
                index += 2
            }
            store.pointee.finishBytes()
        }
    }

    static func tooLong(_ length: Int, _ maxBytes: Int) -> DecodeFailure {
        DecodeFailure(.valueTooLong, "\(length) bytes exceed the column's \(maxBytes)-byte limit")
    }
}

/// Hexadecimal digits.
enum Base16 {
    /// The value of a hex digit, or nil.
    @inline(__always) static func value(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
