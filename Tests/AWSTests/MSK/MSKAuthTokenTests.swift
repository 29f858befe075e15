import AWS
import Foundation
import MillraceTesting
import Testing

@Suite("MSK IAM auth token, checked against aws-msk-iam-sasl-signer-python")
struct MSKAuthTokenTests {
    struct Oracle: Decodable {
        var token: String
        var expiration_ms: Int64
        var user_agent: String
    }

    /// Runs the reference signer with its clock pinned to `epoch` (botocore reads the time
    /// through `datetime`, which the script replaces).
    static func oracle(region: String, id: String, secret: String, token: String?, epoch: Int) async throws -> Oracle {
        let script = """
            import datetime, json, sys, importlib.metadata
            import botocore.auth
            from botocore.credentials import Credentials
            from aws_msk_iam_sasl_signer import MSKAuthTokenProvider as provider
            region, key, secret, token, epoch = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] or None, int(sys.argv[5])
            fixed = datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).replace(tzinfo=None)
            class Pinned(datetime.datetime):
                @classmethod
                def utcnow(cls): return fixed
                @classmethod
                def now(cls, tz=None): return fixed.replace(tzinfo=tz) if tz else fixed
            botocore.auth.datetime.datetime = Pinned
            construct = getattr(provider, "__construct_auth_token")
            value, expiry = construct(region, Credentials(key, secret, token))
            agent = "aws-msk-iam-sasl-signer-python/" + importlib.metadata.version("aws-msk-iam-sasl-signer-python")
            print(json.dumps({"token": value, "expiration_ms": expiry, "user_agent": agent}))
            """
        let output = try await Subprocess.python(script, arguments: [region, id, secret, token ?? "", String(epoch)])
        return try JSONDecoder().decode(Oracle.self, from: Data(output.utf8))
    }

    @Test("byte for byte the reference token, with and without a session token", arguments: [
        ("us-east-1", "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", nil, 1_764_000_000),
        ("eu-west-1", "ASIAEXAMPLE", "secret/with+symbols=", "FwoGZXIvYXdzEJr//////////wEaDP+token=" as String?, 1_795_123_456),
        ("ap-southeast-2", "ASIA2", "s", "t", 1_800_000_001),
    ])
    func matchesReference(region: String, id: String, secret: String, token: String?, epoch: Int) async throws {
        let oracle = try await Self.oracle(region: region, id: id, secret: secret, token: token, epoch: epoch)
        let ours = try MSKAuthToken(
            region: region, credentials: AWSCredentials(accessKeyID: id, secretAccessKey: secret, sessionToken: token),
            date: Date(timeIntervalSince1970: Double(epoch) + 0.75), userAgent: oracle.user_agent)
        #expect(ours.token == oracle.token)
        #expect(ours.expirationMilliseconds == oracle.expiration_ms)
        #expect(ours.expiration.timeIntervalSince1970 == Double(epoch + 900))
        #expect(!ours.token.contains("=") && !ours.token.contains("+") && !ours.token.contains("/"))
    }

    @Test("the decoded token is a presigned kafka-cluster:Connect URL; description hides it")
    func tokenShape() throws {
        let credentials = AWSCredentials(accessKeyID: "AKID", secretAccessKey: "SECRET", sessionToken: "TOKEN")
        let token = try MSKAuthToken(region: "us-west-2", credentials: credentials, date: Date(timeIntervalSince1970: 1_767_323_045))
        var base64 = token.token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        let url = String(decoding: try #require(Data(base64Encoded: base64)), as: UTF8.self)
        #expect(url.hasPrefix("https://kafka.us-west-2.amazonaws.com/?Action=kafka-cluster%3AConnect&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20260102%2Fus-west-2%2Fkafka-cluster%2Faws4_request&X-Amz-Date=20260102T030405Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Security-Token=TOKEN&X-Amz-Signature="))
        #expect(url.hasSuffix("&User-Agent=millrace"))
        #expect(!"\(token)".contains(token.token))
        #expect(throws: AWSError.self) { try MSKAuthToken(region: "bad region/", credentials: credentials, date: Date()) }
    }
}
