import CRdKafka

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Hands OAUTHBEARER tokens to librdkafka (`rd_kafka_oauthbearer_set_token`).
enum RDKafkaOAuthBearer {
    /// Sets `token` on `rk`. Throws (without the token's value) when librdkafka rejects it.
    static func setToken(_ token: KafkaOAuthBearerToken, on rk: OpaquePointer) throws {
        // Extensions go as a flat key, value, key, value array of C strings.
        let flat = token.extensions.keys.sorted().flatMap { [$0, token.extensions[$0] ?? ""] }
        let owned = flat.map { strdup($0) }
        defer { owned.forEach { free($0) } }
        var extensions: [UnsafePointer<CChar>?] = owned.map { $0.map { UnsafePointer($0) } }
        let reasonSize = 512
        var reason = [CChar](repeating: 0, count: reasonSize)
        let code = extensions.withUnsafeMutableBufferPointer { list in
            rd_kafka_oauthbearer_set_token(
                rk, token.value, token.expiresAtMs, token.principal,
                list.isEmpty ? nil : list.baseAddress, list.count, &reason, reasonSize
            )
        }
        if code != RD_KAFKA_RESP_ERR_NO_ERROR {
            let text = String(decoding: reason.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw KafkaError(KafkaError.Code(rawValue: code.rawValue), "librdkafka rejected the OAUTHBEARER token: \(text)")
        }
    }

    /// Reports a failed refresh; librdkafka retries later.
    static func setFailure(_ reason: String, on rk: OpaquePointer) {
        _ = rd_kafka_oauthbearer_set_token_failure(rk, reason)
    }
}
