/// Base64 (RFC 4648 section 4, standard alphabet) as JsonConverter writes Connect `bytes`
/// and `Decimal` values, or the URL-safe alphabet of section 5 (Debezium's
/// `binary.handling.mode=base64-url-safe`); padding is optional on input.
enum Base64 {
    /// The 6-bit value of an alphabet character, or 0xFF.
    @inline(__always) static func sextet(_ character: UInt8, urlSafe: Bool = false) -> UInt8 {
        switch character {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): character &- 65
        case UInt8(ascii: "a")...UInt8(ascii: "z"): character &- 71
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character &+ 4
        case UInt8(ascii: "+") where !urlSafe: 62
        case UInt8(ascii: "/") where !urlSafe: 63
        case UInt8(ascii: "-") where urlSafe: 62
        case UInt8(ascii: "_") where urlSafe: 63
        default: 0xFF
        }
    }

    /// Calls `emit` with each decoded byte of `length` characters at `text`; false when the
    /// text is not base64 (a bad character, misplaced padding, or an impossible length).
    @inline(__always) static func decode(
        _ text: UnsafePointer<UInt8>, length: Int, urlSafe: Bool = false, _ emit: (UInt8) -> Void
    ) -> Bool {
        var end = length
        if end > 0 && text[end - 1] == UInt8(ascii: "=") { end -= 1 }
        if end > 0 && text[end - 1] == UInt8(ascii: "=") { end -= 1 }
        // With padding the length is a multiple of 4; without, a remainder of 1 is impossible.
        if end != length && length % 4 != 0 { return false }
        if end % 4 == 1 { return false }
        var accumulator: UInt32 = 0
        var bits = 0
        for index in 0..<end {
            let value = sextet(text[index], urlSafe: urlSafe)
            if value == 0xFF { return false }
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                emit(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        // Leftover bits must be zero (RFC 4648 section 3.5, canonical encoding).
        return accumulator & ((1 << UInt32(bits)) - 1) == 0
    }

    /// The decoded length of `length` characters (an upper bound when the text is invalid).
    static func decodedLength(_ length: Int) -> Int {
        length / 4 * 3 + 2
    }
}
