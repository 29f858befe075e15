import COpenSSL

/// SHA-256, HMAC-SHA256, MD5 and SHA-1 from OpenSSL's libcrypto: SigV4 needs the first two
/// (AWS General Reference, "Signature Version 4 signing process"), S3's `Content-MD5` the third,
/// the SSO token cache's file names the fourth.
///
/// Each call fails only when OpenSSL cannot allocate or initialise a context, which is reported
/// as an error rather than a trap.
enum Digest {
    /// SHA-256 of `bytes` (32 bytes).
    static func sha256(_ bytes: UnsafeRawBufferPointer) throws(AWSError) -> [UInt8] {
        try oneShot(bytes, EVP_sha256(), length: 32, name: "SHA-256")
    }

    /// SHA-256 of a byte array (32 bytes).
    static func sha256(_ bytes: [UInt8]) throws(AWSError) -> [UInt8] {
        try bytes.withUnsafeBytes { buffer in Result { () throws(AWSError) in try sha256(buffer) } }.get()
    }

    /// SHA-256 of a string's UTF-8 form (32 bytes).
    static func sha256(_ text: String) throws(AWSError) -> [UInt8] {
        try sha256(Array(text.utf8))
    }

    /// MD5 of `bytes` (16 bytes); only for S3's `Content-MD5`, never for security.
    static func md5(_ bytes: UnsafeRawBufferPointer) throws(AWSError) -> [UInt8] {
        try oneShot(bytes, EVP_md5(), length: 16, name: "MD5")
    }

    /// SHA-1 of a string's UTF-8 form (20 bytes); only to name the SSO token cache's files as the
    /// AWS CLI does, never for security.
    static func sha1(_ text: String) throws(AWSError) -> [UInt8] {
        try Array(text.utf8).withUnsafeBytes { buffer in
            Result { () throws(AWSError) in try oneShot(buffer, EVP_sha1(), length: 20, name: "SHA-1") }
        }.get()
    }

    /// HMAC-SHA256 of `message` under `key` (32 bytes).
    static func hmacSHA256(key: [UInt8], message: [UInt8]) throws(AWSError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let ok = key.withUnsafeBytes { keyBuffer in
            message.withUnsafeBytes { messageBuffer in
                out.withUnsafeMutableBytes { outBuffer in
                    HMAC(
                        EVP_sha256(), keyBuffer.baseAddress, Int32(keyBuffer.count),
                        messageBuffer.baseAddress?.assumingMemoryBound(to: UInt8.self), messageBuffer.count,
                        outBuffer.baseAddress?.assumingMemoryBound(to: UInt8.self), &length
                    ) != nil
                }
            }
        }
        guard ok, length == 32 else { throw AWSError(.io, "OpenSSL failed to compute an HMAC-SHA256") }
        return out
    }

    private static func oneShot(
        _ bytes: UnsafeRawBufferPointer, _ algorithm: OpaquePointer?, length: Int, name: String
    ) throws(AWSError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: length)
        var written: UInt32 = 0
        // EVP_Digest wants a non-null pointer even for an empty input.
        let empty: UInt8 = 0
        let ok = withUnsafePointer(to: empty) { emptyPointer in
            out.withUnsafeMutableBytes { outBuffer in
                EVP_Digest(
                    bytes.baseAddress ?? UnsafeRawPointer(emptyPointer), bytes.count,
                    outBuffer.baseAddress?.assumingMemoryBound(to: UInt8.self), &written, algorithm, nil
                ) == 1
            }
        }
        guard ok, Int(written) == length else { throw AWSError(.io, "OpenSSL failed to compute \(name)") }
        return out
    }
}

/// An incremental SHA-256, for bodies hashed in pieces (a file read in chunks).
final class SHA256Stream {
    private let context: OpaquePointer

    /// A fresh context.
    init() throws(AWSError) {
        guard let context = EVP_MD_CTX_new() else {
            throw AWSError(.io, "OpenSSL could not allocate a SHA-256 context")
        }
        self.context = context
        guard EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else {
            EVP_MD_CTX_free(context)
            throw AWSError(.io, "OpenSSL could not initialise SHA-256")
        }
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Adds `bytes` to the hash.
    func update(_ bytes: UnsafeRawBufferPointer) throws(AWSError) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        guard EVP_DigestUpdate(context, base, bytes.count) == 1 else {
            throw AWSError(.io, "OpenSSL failed to update SHA-256")
        }
    }

    /// The digest of everything added (32 bytes). The stream must not be used afterwards.
    func finish() throws(AWSError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var written: UInt32 = 0
        let ok = out.withUnsafeMutableBytes { buffer in
            EVP_DigestFinal_ex(context, buffer.baseAddress?.assumingMemoryBound(to: UInt8.self), &written) == 1
        }
        guard ok, written == 32 else { throw AWSError(.io, "OpenSSL failed to finish SHA-256") }
        return out
    }
}
