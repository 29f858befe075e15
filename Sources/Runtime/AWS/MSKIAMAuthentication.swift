import AWS
import Foundation
import Kafka

/// Amazon MSK IAM authentication on librdkafka: SASL/OAUTHBEARER whose token is a SigV4
/// presigned `kafka-cluster:Connect` request, built by the AWS layer from the standard credential
/// chain (environment, profile, EKS web identity, ECS, IMDSv2) and refreshed by librdkafka before
/// it expires (15 minutes).
///
/// Enabled when the Kafka properties ask for `sasl.mechanisms=OAUTHBEARER` without
/// `sasl.oauthbearer.method=oidc` (librdkafka's own OIDC client takes that case).
enum MSKIAMAuthentication {
    /// True when `properties` select OAUTHBEARER for MSK IAM.
    static func isRequested(by properties: [String: String]) -> Bool {
        properties["sasl.mechanisms"]?.uppercased() == "OAUTHBEARER" && properties["sasl.oauthbearer.method"]?.lowercased() != "oidc"
    }

    /// The token provider for a cluster in `region`, signing with `credentials`.
    static func tokenProvider(region: String, credentials: any CredentialsProvider) -> KafkaOAuthBearerTokenProvider {
        { _ in
            let token = try MSKAuthToken(region: region, credentials: try credentials.require(), date: Date())
            return KafkaOAuthBearerToken(value: token.token, expiresAtMs: token.expirationMilliseconds, principal: "millrace")
        }
    }
}
