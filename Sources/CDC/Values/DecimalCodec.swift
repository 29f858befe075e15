import Catalog

/// Exact decimal arithmetic on unscaled 128-bit integers (Parquet DECIMAL, Redshift
/// DECIMAL(p,s) up to 38 digits).
enum DecimalCodec {
    /// 10^0 ... 10^38.
    static let powersOfTen: [Int128] = (0...38).map { exponent in
        var value: Int128 = 1
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// True when `unscaled` has at most `precision` digits.
    @inline(__always) static func fits(_ unscaled: Int128, precision: Int) -> Bool {
        unscaled.magnitude < powersOfTen[precision].magnitude
    }

    /// The big-endian two's complement integer in `length` bytes produced by `bytes`, or nil
    /// when it needs more than 128 bits (Connect `Decimal`: BigInteger.toByteArray).
    static func twosComplement(_ bytes: UnsafeBufferPointer<UInt8>) -> Int128? {
        guard let first = bytes.first else { return 0 }
        let negative = first & 0x80 != 0
        var start = 0
        // Bytes beyond 16 must be pure sign extension.
        while bytes.count - start > 16 {
            guard bytes[start] == (negative ? 0xFF : 0x00) else { return nil }
            start += 1
        }
        if bytes.count - start == 16 && (bytes[start] & 0x80 != 0) != negative { return nil }
        var value: Int128 = negative ? -1 : 0
        for index in start..<bytes.count {
            value = value << 8 | Int128(bytes[index])
        }
        return value
    }

    /// Parses decimal text (`-12.50`, `1E+3`, `0.000123`) as an unscaled value at `scale`:
    /// exact, or a `decimal_overflow` failure when it needs more fractional digits than
    /// `scale` or more than 38 digits.
    static func parse(_ text: UnsafeBufferPointer<UInt8>, scale: Int) throws(DecodeFailure) -> Int128 {
        var index = 0
        var negative = false
        if index < text.count && (text[index] == UInt8(ascii: "-") || text[index] == UInt8(ascii: "+")) {
            negative = text[index] == UInt8(ascii: "-")
            index += 1
        }
        var mantissa: Int128 = 0
        var significant = 0
        var exponent = 0
        var sawDigit = false
        var afterPoint = false
        while index < text.count {
            let byte = text[index]
            if byte == UInt8(ascii: ".") && !afterPoint {
                afterPoint = true
            } else if byte &- UInt8(ascii: "0") < 10 {
                sawDigit = true
                let digit = Int128(byte &- UInt8(ascii: "0"))
                if significant < 38 {
                    if mantissa != 0 || digit != 0 { significant += 1 }
                    mantissa = mantissa * 10 + digit
                    if afterPoint { exponent -= 1 }
                } else if digit != 0 {
                    throw overflow(text, "has more than 38 significant digits")
                } else if !afterPoint {
                    exponent += 1
                }
            } else {
                break
            }
            index += 1
        }
        guard sawDigit else { throw invalid(text) }
        if index < text.count {
            guard text[index] == UInt8(ascii: "e") || text[index] == UInt8(ascii: "E") else { throw invalid(text) }
            index += 1
            var exponentNegative = false
            if index < text.count && (text[index] == UInt8(ascii: "-") || text[index] == UInt8(ascii: "+")) {
                exponentNegative = text[index] == UInt8(ascii: "-")
                index += 1
            }
            guard index < text.count else { throw invalid(text) }
            var value = 0
            while index < text.count {
                let digit = text[index] &- UInt8(ascii: "0")
                guard digit < 10 else { throw invalid(text) }
                value = min(value * 10 + Int(digit), 10_000)
                index += 1
            }
            exponent += exponentNegative ? -value : value
        }
        guard let unscaled = rescale(mantissa, by: exponent + scale) else {
            throw overflow(text, exponent + scale < 0 ? "needs more than \(scale) fractional digits" : "has more than 38 digits")
        }
        return negative ? -unscaled : unscaled
    }

    /// `value × 10^shift` exactly, or nil when a negative shift would drop non-zero digits or
    /// the result exceeds 38 digits.
    static func rescale(_ value: Int128, by shift: Int) -> Int128? {
        if value == 0 { return 0 }
        if shift >= 0 {
            guard shift <= 38 else { return nil }
            let (product, overflow) = value.multipliedReportingOverflow(by: powersOfTen[shift])
            guard !overflow, fits(product, precision: 38) else { return nil }
            return product
        }
        guard -shift <= 38 else { return nil }
        let divisor = powersOfTen[-shift]
        guard value % divisor == 0 else { return nil }
        return value / divisor
    }

    /// Appends `unscaled × 10^-scale` as plain decimal text (`-0.00150`), exact.
    static func format(_ unscaled: Int128, scale: Int, into writer: inout JSONWriter) {
        if unscaled < 0 { writer.byte(UInt8(ascii: "-")) }
        var digits = Array(String(unscaled.magnitude).utf8)
        if scale > 0 {
            if digits.count <= scale {
                digits = Array(repeating: UInt8(ascii: "0"), count: scale - digits.count + 1) + digits
            }
            digits.insert(UInt8(ascii: "."), at: digits.count - scale)
        }
        writer.raw(bytes: digits)
    }

    private static func overflow(_ text: UnsafeBufferPointer<UInt8>, _ why: String) -> DecodeFailure {
        DecodeFailure(.decimalOverflow, "decimal `\(String(decoding: text, as: UTF8.self))` \(why)")
    }

    private static func invalid(_ text: UnsafeBufferPointer<UInt8>) -> DecodeFailure {
        DecodeFailure(.typeMismatch, "`\(String(decoding: text, as: UTF8.self))` is not a decimal number")
    }
}
