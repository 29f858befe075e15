import Foundation

/// Base64 as AWS uses it: standard with padding for checksums and `Content-MD5`; URL-safe
/// without padding for the MSK IAM token (RFC 4648 §5).
enum Base64 {
    static func standard(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
    }

    static func urlSafeUnpadded(_ bytes: [UInt8]) -> String {
        var text = Data(bytes).base64EncodedString()
        while text.hasSuffix("=") { text.removeLast() }
        return String(text.map { $0 == "+" ? "-" : $0 == "/" ? "_" : $0 })
    }
}
