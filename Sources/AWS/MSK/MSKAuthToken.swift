public import Foundation

/// The SASL/OAUTHBEARER token Amazon MSK accepts for IAM authentication, built the way
/// `aws-msk-iam-sasl-signer` builds it: a SigV4-presigned `GET https://kafka.<region>.amazonaws.com/?Action=kafka-cluster%3AConnect`
/// (signing name `kafka-cluster`, empty-payload hash, valid 900 s), with a `User-Agent` query
/// parameter appended after signing, then base64url-encoded without padding.
///
/// A pure function: credentials and the clock are arguments, so the Kafka layer decides when
/// to refresh (librdkafka's `oauthbearer_token_refresh_cb`) and tests pin every byte.
public struct MSKAuthToken: Sendable, CustomStringConvertible {
    /// How long a token is valid: 900 s.
    public static let lifetimeSeconds = 900

    /// The token to hand to librdkafka (`rd_kafka_oauthbearer_set_token`). It embeds a
    /// signature and, for temporary credentials, the session token: never log it.
    public let token: String
    /// When the token stops being accepted (UTC): signing time + 900 s.
    public let expiration: Date

    /// The expiry in milliseconds since 1970 UTC, as librdkafka wants it.
    public var expirationMilliseconds: Int64 { Int64(expiration.timeIntervalSince1970) * 1000 }

    /// `MSKAuthToken(expiration: …)`; the token itself is never printed.
    public var description: String { "MSKAuthToken(expiration: \(expiration), token: <redacted>)" }

    /// Builds the token for a cluster in `region` with `credentials`, signed at `date` (UTC,
    /// truncated to the second). `userAgent` is the `User-Agent` parameter the broker logs.
    public init(region: String, credentials: AWSCredentials, date: Date, userAgent: String = "millrace") throws(AWSError) {
        guard !region.isEmpty, region.utf8.allSatisfy({ URIEncoding.isUnreserved($0) }) else {
            throw AWSError(.invalidConfiguration, "\"\(region)\" is not an AWS region name")
        }
        let signingDate = Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
        let host = "kafka.\(region).amazonaws.com"
        var request = SignableRequest(
            method: "GET", path: "/", query: [QueryParameter("Action", "kafka-cluster:Connect")], headers: ["host": host])
        let signer = SigV4Signer(service: "kafka-cluster", region: region)
        try signer.presign(
            &request, payloadHash: SigV4Signer.emptyPayloadHash, expires: Self.lifetimeSeconds, credentials: credentials,
            date: signingDate)
        request.query.append(QueryParameter("User-Agent", userAgent))
        let url = "https://\(host)/?\(request.encodedQuery)"
        token = Base64.urlSafeUnpadded(Array(url.utf8))
        expiration = signingDate.addingTimeInterval(Double(Self.lifetimeSeconds))
    }
}
