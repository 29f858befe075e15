/// Base64 encoding (RFC 4648 section 4, padded), as JsonConverter writes Connect `bytes` and
/// `Decimal` values.
public enum Base64Encoding {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Appends the base64 text of `bytes` to `output`.
    public static func encode<C: Collection>(_ bytes: C, into output: inout [UInt8]) where C.Element == UInt8 {
        var iterator = bytes.makeIterator()
        while let first = iterator.next() {
            let second = iterator.next()
            let third = iterator.next()
            let group = UInt32(first) << 16 | UInt32(second ?? 0) << 8 | UInt32(third ?? 0)
            output.append(alphabet[Int(group >> 18 & 63)])
            output.append(alphabet[Int(group >> 12 & 63)])
            output.append(second == nil ? UInt8(ascii: "=") : alphabet[Int(group >> 6 & 63)])
            output.append(third == nil ? UInt8(ascii: "=") : alphabet[Int(group & 63)])
        }
    }

    /// The base64 text of `bytes`.
    public static func encode<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        var output: [UInt8] = []
        encode(bytes, into: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// The minimal big-endian two's complement bytes of `value` (Java BigInteger.toByteArray),
    /// the form of a Connect `Decimal`'s unscaled value.
    public static func twosComplementBytes(_ value: Int128) -> [UInt8] {
        var bytes: [UInt8] = []
        var remaining = value
        repeat {
            bytes.append(UInt8(truncatingIfNeeded: remaining))
            remaining >>= 8
        } while !(remaining == 0 && bytes[bytes.count - 1] & 0x80 == 0) && !(remaining == -1 && bytes[bytes.count - 1] & 0x80 != 0)
        return bytes.reversed()
    }
}
