#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A forward-only reader over JSON bytes (RFC 8259) that it does not own: the record's
/// buffer, valid only during one decode call. It never copies and never allocates on success;
/// failures carry a reason and the byte position.
struct JSONCursor {
    /// The first byte.
    let base: UnsafePointer<UInt8>
    /// Number of bytes.
    let count: Int
    /// Index of the next unread byte.
    var position: Int
    /// Deepest nesting of objects and arrays accepted by `skipValue` (at most 64).
    let maxDepth: Int

    init(base: UnsafePointer<UInt8>, count: Int, maxDepth: Int) {
        self.base = base
        self.count = count
        self.position = 0
        self.maxDepth = min(maxDepth, 64)
    }

    /// The next byte, or 0 at the end (0 never starts a JSON token).
    @inline(__always) var peek: UInt8 {
        position < count ? base[position] : 0
    }

    /// True when every byte was read.
    var isAtEnd: Bool { position >= count }

    /// Skips JSON whitespace (space, tab, newline, carriage return).
    @inline(__always) mutating func skipWhitespace() {
        while position < count {
            let byte = base[position]
            guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
            position += 1
        }
    }

    /// Consumes `byte` (after whitespace) or fails with what was expected.
    @inline(__always) mutating func expect(_ byte: UInt8, _ what: @autoclosure () -> String) throws(DecodeFailure) {
        skipWhitespace()
        guard position < count, base[position] == byte else { throw unexpected(what()) }
        position += 1
    }

    /// Consumes `byte` (after whitespace) when it is next.
    @inline(__always) mutating func consume(_ byte: UInt8) -> Bool {
        skipWhitespace()
        if position < count && base[position] == byte {
            position += 1
            return true
        }
        return false
    }

    /// True when the bytes at the cursor equal `length` bytes at `bytes`.
    @inline(__always) func hasPrefix(_ bytes: UnsafePointer<UInt8>, length: Int) -> Bool {
        length <= count - position && memoryEqual(base + position, bytes, length)
    }

    /// Consumes the literal `null` when it is next.
    @inline(__always) mutating func consumeNull() -> Bool {
        if position + 4 <= count && base[position] == UInt8(ascii: "n") && base[position + 1] == UInt8(ascii: "u")
            && base[position + 2] == UInt8(ascii: "l") && base[position + 3] == UInt8(ascii: "l")
        {
            position += 4
            return true
        }
        return false
    }

    /// Reads `true` or `false`.
    @inline(__always) mutating func readBoolean() throws(DecodeFailure) -> Bool {
        if consumeLiteral("true") { return true }
        if consumeLiteral("false") { return false }
        throw DecodeFailure(.typeMismatch, "expected true or false at byte \(position)")
    }

    /// Consumes `literal` (ASCII) when it is next.
    mutating func consumeLiteral(_ literal: StaticString) -> Bool {
        let length = literal.utf8CodeUnitCount
        guard length <= count - position, memoryEqual(base + position, literal.utf8Start, length) else { return false }
        position += length
        return true
    }

    /// Fails unless only whitespace remains.
    mutating func expectEnd() throws(DecodeFailure) {
        skipWhitespace()
        if position < count { throw DecodeFailure(.malformedJSON, "unexpected data after the JSON value at byte \(position)") }
    }

    /// A malformed-JSON failure at the current byte.
    func unexpected(_ expected: String) -> DecodeFailure {
        if position >= count {
            return DecodeFailure(.malformedJSON, "truncated: expected \(expected) at byte \(position), found the end")
        }
        let byte = base[position]
        let shown = byte >= 0x20 && byte < 0x7F ? "`\(Character(Unicode.Scalar(byte)))`" : "byte 0x\(String(byte, radix: 16))"
        return DecodeFailure(.malformedJSON, "expected \(expected) at byte \(position), found \(shown)")
    }

    /// The bytes `start..<end` as text, for messages (invalid UTF-8 is replaced).
    func text(_ start: Int, _ end: Int) -> String {
        String(decoding: UnsafeBufferPointer(start: base + start, count: max(0, min(end, count) - start)), as: UTF8.self)
    }
}

/// True when `length` bytes at `lhs` and `rhs` are equal. Short spans (member names, 5 to 20
/// bytes) are compared with word loads, the last one overlapping the previous so that no byte
/// loop remains; long ones (a cached Connect schema, about 950 bytes) go to libc's vectorised
/// memcmp.
@inline(__always) func memoryEqual(_ lhs: UnsafePointer<UInt8>, _ rhs: UnsafePointer<UInt8>, _ length: Int) -> Bool {
    if length > 64 { return memcmp(lhs, rhs, length) == 0 }
    let left = UnsafeRawPointer(lhs)
    let right = UnsafeRawPointer(rhs)
    if length >= 8 {
        var index = 0
        while index + 8 < length {
            if left.loadUnaligned(fromByteOffset: index, as: UInt64.self) != right.loadUnaligned(fromByteOffset: index, as: UInt64.self) {
                return false
            }
            index += 8
        }
        return left.loadUnaligned(fromByteOffset: length - 8, as: UInt64.self)
            == right.loadUnaligned(fromByteOffset: length - 8, as: UInt64.self)
    }
    if length >= 4 {
        return left.loadUnaligned(as: UInt32.self) == right.loadUnaligned(as: UInt32.self)
            && left.loadUnaligned(fromByteOffset: length - 4, as: UInt32.self)
                == right.loadUnaligned(fromByteOffset: length - 4, as: UInt32.self)
    }
    if length >= 2 {
        return left.loadUnaligned(as: UInt16.self) == right.loadUnaligned(as: UInt16.self)
            && left.loadUnaligned(fromByteOffset: length - 2, as: UInt16.self)
                == right.loadUnaligned(fromByteOffset: length - 2, as: UInt16.self)
    }
    return length == 0 || lhs[0] == rhs[0]
}
