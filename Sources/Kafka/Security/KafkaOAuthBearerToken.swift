/// A SASL/OAUTHBEARER token for librdkafka (`rd_kafka_oauthbearer_set_token`).
///
/// The MSK IAM token built by the AWS layer is one: a presigned SigV4 URL, base64url-encoded.
/// The token value is a secret: `description` never shows it.
public struct KafkaOAuthBearerToken: Sendable, CustomStringConvertible {
    /// The token itself (a bearer credential: never log it).
    public var value: String
    /// When the token stops being valid, in ms since the Unix epoch (UTC): librdkafka's
    /// `md_lifetime_ms`. librdkafka asks for a new token at 80 % of the remaining lifetime.
    public var expiresAtMs: Int64
    /// The principal the token names (librdkafka's `md_principal_name`).
    public var principal: String
    /// SASL extensions sent with the token (name → value), usually none.
    public var extensions: [String: String]

    /// A token `value` for `principal`, valid until `expiresAtMs` (ms since the Unix epoch).
    public init(value: String, expiresAtMs: Int64, principal: String, extensions: [String: String] = [:]) {
        self.value = value
        self.expiresAtMs = expiresAtMs
        self.principal = principal
        self.extensions = extensions
    }

    public var description: String {
        "KafkaOAuthBearerToken(principal: \(principal), expiresAtMs: \(expiresAtMs), value: <redacted>)"
    }
}

/// Makes a fresh OAUTHBEARER token when librdkafka asks for one (at start and before the
/// current token expires). It receives `sasl.oauthbearer.config` (nil when unset) and runs on
/// librdkafka's background thread, never on the consumer's polling thread; it may block (for
/// example to fetch credentials). A thrown error is reported to librdkafka as a refresh failure,
/// which retries later; its text must not contain a secret.
public typealias KafkaOAuthBearerTokenProvider = @Sendable (_ oauthbearerConfig: String?) throws -> KafkaOAuthBearerToken
