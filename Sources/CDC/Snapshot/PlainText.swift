import Parquet

/// The test a text value passes to be stored as it is in a `varchar(n)` column, without the
/// JSON-token path of `TextValue`: well-formed UTF-8 (Unicode 15 table 3-7, the rule of
/// `JSONCursor.readString`: no overlong forms, no surrogates, nothing above U+10FFFF), no
/// U+0000 (no warehouse text type stores it), at most n bytes. Exactly what that path accepts
/// for a `.text(maxBytes)` conversion, which stores the same bytes; text that fails goes down
/// that path, which says why.
enum PlainText {
    /// True when the `count` bytes at `text` may be stored in a column of at most `maxBytes` bytes.
    @inline(__always)
    static func isStorable(_ text: UnsafePointer<UInt8>, count: Int, maxBytes: Int) -> Bool {
        count <= maxBytes && isValid(text, count: count)
    }

    /// True when every value of `values` may be stored in a column of at most `maxBytes` bytes.
    /// All the bytes are checked at once when they are ASCII without NUL (then so is every
    /// value), else value by value, since a sequence may not span two values.
    static func allStorable(_ values: ByteArrayValues, maxBytes: Int) -> Bool {
        values.offsets.withUnsafeBufferPointer { offsets in
            values.bytes.withUnsafeBufferPointer { bytes in
                // The reader's offsets start at 0 and never decrease; checked anyway, so that
                // every value lies within the bytes read below.
                let count = offsets.count - 1
                guard count >= 0, offsets[0] == 0, offsets[count] <= bytes.count else { return false }
                // Without an early exit, so that the compiler vectorises the loop.
                var shortest = 0
                var longest = 0
                for index in 0..<count {
                    let length = offsets[index + 1] - offsets[index]
                    shortest = min(shortest, length)
                    longest = max(longest, length)
                }
                guard shortest >= 0, longest <= maxBytes else { return false }
                guard let base = bytes.baseAddress else { return true }
                if isASCIIWithoutNUL(base, count: bytes.count) { return true }
                for index in 0..<count {
                    let start = offsets[index]
                    guard isValid(base + start, count: offsets[index + 1] - start) else { return false }
                }
                return true
            }
        }
    }

    /// True when the `count` bytes at `text` are well-formed UTF-8 without NUL.
    static func isValid(_ text: UnsafePointer<UInt8>, count: Int) -> Bool {
        var position = 0
        while true {
            // ASCII without NUL, eight bytes at a time.
            while position + 8 <= count {
                let word = UnsafeRawPointer(text + position).loadUnaligned(as: UInt64.self)
                guard !hasNonASCIIOrNUL(word) else { break }
                position += 8
            }
            guard position < count else { return true }
            let lead = text[position]
            if lead == 0 { return false }
            if lead < 0x80 {
                position += 1
                continue
            }
            guard let length = UTF8Validation.sequenceLength(UnsafeRawPointer(text), at: position, count: count) else { return false }
            position += length
        }
    }

    /// True when the `count` bytes at `text` are all ASCII and none is NUL.
    static func isASCIIWithoutNUL(_ text: UnsafePointer<UInt8>, count: Int) -> Bool {
        var position = 0
        var flags: UInt64 = 0
        // Four words a turn, their flags merged, so that the loop has one branch per 32 bytes.
        while position + 32 <= count {
            let raw = UnsafeRawPointer(text + position)
            let a = raw.loadUnaligned(as: UInt64.self)
            let b = raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
            let c = raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self)
            let d = raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self)
            flags |= nonASCIIOrNUL(a) | nonASCIIOrNUL(b) | nonASCIIOrNUL(c) | nonASCIIOrNUL(d)
            if flags != 0 { return false }
            position += 32
        }
        while position < count {
            if text[position] == 0 || text[position] >= 0x80 { return false }
            position += 1
        }
        return true
    }

    @inline(__always) private static func hasNonASCIIOrNUL(_ word: UInt64) -> Bool {
        nonASCIIOrNUL(word) != 0
    }

    /// High bit set in each byte lane that is non-ASCII or NUL (exactly: a NUL's borrow can
    /// flag lanes above it only when it is itself flagged).
    @inline(__always) private static func nonASCIIOrNUL(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        return ((word &- ones) & ~word | word) & highs
    }
}
