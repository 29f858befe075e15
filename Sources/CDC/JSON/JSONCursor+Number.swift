/// Where a JSON number lies in the buffer.
struct NumberToken {
    /// Index of its first byte (`-` or a digit).
    var start: Int
    /// Index just past its last byte.
    var end: Int
    /// True when it has neither a fraction nor an exponent.
    var isInteger: Bool
}

extension JSONCursor {
    /// A failure for a value of the wrong JSON type: `type_mismatch` when the next bytes start
    /// some other JSON value, `malformed_json` when they start nothing valid.
    func wrongType(_ expected: String) -> DecodeFailure {
        switch peek {
        case UInt8(ascii: "\""), UInt8(ascii: "{"), UInt8(ascii: "["), UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"),
            UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return DecodeFailure(.typeMismatch, "expected \(expected) at byte \(position), found \(tokenName)")
        default:
            return unexpected(expected)
        }
    }

    /// What kind of JSON value starts at the cursor, for messages.
    var tokenName: String {
        switch peek {
        case UInt8(ascii: "\""): "a string"
        case UInt8(ascii: "{"): "an object"
        case UInt8(ascii: "["): "an array"
        case UInt8(ascii: "t"), UInt8(ascii: "f"): "a boolean"
        case UInt8(ascii: "n"): "null"
        default: "a number"
        }
    }

    /// Reads a number token, validating RFC 8259 section 6 grammar:
    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    mutating func readNumber() throws(DecodeFailure) -> NumberToken {
        skipWhitespace()
        let start = position
        if peek == UInt8(ascii: "-") { position += 1 }
        let first = peek
        if first == UInt8(ascii: "0") {
            position += 1
        } else if first >= UInt8(ascii: "1") && first <= UInt8(ascii: "9") {
            position += 1
            skipDigits()
        } else if position > start {
            throw unexpected("a digit after `-`")
        } else {
            throw wrongType("a number")
        }
        var isInteger = true
        if peek == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard isDigit(peek) else { throw unexpected("a digit after the decimal point") }
            skipDigits()
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            isInteger = false
            position += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { position += 1 }
            guard isDigit(peek) else { throw unexpected("a digit in the exponent") }
            skipDigits()
        }
        if isDigit(peek) { throw unexpected("no leading zero") }
        return NumberToken(start: start, end: position, isInteger: isInteger)
    }

    @inline(__always) private mutating func skipDigits() {
        while position < count && isDigit(base[position]) { position += 1 }
    }

    @inline(__always) func isDigit(_ byte: UInt8) -> Bool {
        byte &- UInt8(ascii: "0") < 10
    }

    /// Reads an integer in `range` (a Connect int8/16/32/64): the number must have no fraction
    /// or exponent and fit, else `type_mismatch`.
    @inline(__always) mutating func readInteger(in range: ClosedRange<Int64>) throws(DecodeFailure) -> Int64 {
        skipWhitespace()
        let start = position
        let negative = peek == UInt8(ascii: "-")
        if negative { position += 1 }
        guard position < count, isDigit(base[position]) else {
            position = start
            throw wrongType("an integer")
        }
        var magnitude: UInt64 = 0
        var digits = 0
        if base[position] == UInt8(ascii: "0") {
            position += 1
        } else {
            while position < count {
                let digit = base[position] &- UInt8(ascii: "0")
                guard digit < 10 else { break }
                // 19 digits always fit in UInt64; a 20th may overflow.
                if digits >= 19 {
                    let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
                    let (sum, overflow2) = times10.addingReportingOverflow(UInt64(digit))
                    if overflow1 || overflow2 { throw outOfRange(start, range) }
                    magnitude = sum
                } else {
                    magnitude = magnitude &* 10 &+ UInt64(digit)
                }
                digits += 1
                position += 1
            }
        }
        let next = peek
        if next == UInt8(ascii: ".") || next == UInt8(ascii: "e") || next == UInt8(ascii: "E") {
            position = start
            _ = try readNumber()
            throw DecodeFailure(.typeMismatch, "expected an integer at byte \(start), found `\(text(start, position))`")
        }
        if isDigit(next) { throw unexpected("no leading zero") }
        let value: Int64
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { throw outOfRange(start, range) }
            value = magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        } else {
            guard magnitude <= UInt64(Int64.max) else { throw outOfRange(start, range) }
            value = Int64(magnitude)
        }
        guard range.contains(value) else { throw outOfRange(start, range) }
        return value
    }

    private func outOfRange(_ start: Int, _ range: ClosedRange<Int64>) -> DecodeFailure {
        var end = start
        while end < count, base[end] == UInt8(ascii: "-") || isDigit(base[end]) { end += 1 }
        return DecodeFailure(
            .typeMismatch, "integer \(text(start, end)) at byte \(start) is outside \(range.lowerBound)...\(range.upperBound)"
        )
    }

    /// Reads a number as the nearest double. Up to 19 significant digits with a power of ten
    /// within ±22 are exact in double arithmetic (Clinger's fast path); anything else goes to
    /// the standard library's correctly rounded parser.
    mutating func readDouble() throws(DecodeFailure) -> Double {
        let token = try readNumber()
        var mantissa: UInt64 = 0
        var digits = 0
        var exponent = 0
        var index = token.start
        let negative = base[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        var afterPoint = false
        while index < token.end {
            let byte = base[index]
            if byte == UInt8(ascii: ".") {
                afterPoint = true
            } else if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                break
            } else {
                if mantissa != 0 || byte != UInt8(ascii: "0") { digits += 1 }
                if digits > 19 { return slowDouble(token) }
                mantissa = mantissa &* 10 &+ UInt64(byte &- UInt8(ascii: "0"))
                if afterPoint { exponent -= 1 }
            }
            index += 1
        }
        if index < token.end {
            index += 1
            var exponentNegative = false
            if base[index] == UInt8(ascii: "-") || base[index] == UInt8(ascii: "+") {
                exponentNegative = base[index] == UInt8(ascii: "-")
                index += 1
            }
            var value = 0
            while index < token.end {
                value = value * 10 + Int(base[index] &- UInt8(ascii: "0"))
                if value > 400 { return slowDouble(token) }
                index += 1
            }
            exponent += exponentNegative ? -value : value
        }
        guard mantissa <= 1 << 53, exponent >= -22, exponent <= 22 else { return slowDouble(token) }
        var result = Double(mantissa)
        if exponent < 0 { result /= Self.powersOfTen[-exponent] } else { result *= Self.powersOfTen[exponent] }
        return negative ? -result : result
    }

    private func slowDouble(_ token: NumberToken) -> Double {
        // The token is valid JSON number grammar, which Double's parser accepts.
        Double(text(token.start, token.end)) ?? .nan
    }

    private static let powersOfTen: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }
}
