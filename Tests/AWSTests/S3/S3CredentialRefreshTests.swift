@testable import AWS
import Foundation
import MillraceTesting
import Retry
import Testing

/// An `HTTPStub` plays S3 here: moto cannot be told to expire a session token on demand, which
/// is the one behaviour this test needs (a seam no local server provides).
@Suite("S3 with expiring credentials")
struct S3CredentialRefreshTests {
    @Test("ExpiredToken invalidates the cached credentials and the retry signs with fresh ones")
    func expiredTokenRefreshes() throws {
        let stub = try HTTPStub { request in
            let authorization = request.header("Authorization") ?? ""
            if authorization.contains("Credential=ASIAOLD/") {
                return HTTPStubResponse(status: 400, body: "<Error><Code>ExpiredToken</Code><Message>The provided token has expired.</Message></Error>")
            }
            return HTTPStubResponse(headers: [("ETag", "\"0123456789abcdef0123456789abcdef\"")])
        }
        defer { stub.stop() }
        let base = ScriptedProvider()
        base.set(.success(AWSCredentials(accessKeyID: "ASIAOLD", secretAccessKey: "old", sessionToken: "old-token")))
        let cache = CachingCredentialsProvider(base)
        _ = try cache.load()
        base.set(.success(AWSCredentials(accessKeyID: "ASIANEW", secretAccessKey: "new", sessionToken: "new-token")))

        let recorder = EventRecorder()
        let configuration = S3Configuration(
            endpoint: Endpoint(stub.endpoint), addressing: .pathStyle,
            retry: RetryPolicy(maxAttempts: 3, backoff: FullJitterBackoff(initialDelay: .milliseconds(1))))
        let client = try S3Client(
            configuration: configuration, credentials: cache,
            events: AWSEvents(logger: S3TestSupport.quietLogger, handler: { recorder.record($0) }))
        let result = try client.putObject(bucket: "b", key: "k", bytes: [1, 2, 3])
        #expect(result.etag == "0123456789abcdef0123456789abcdef")
        #expect(recorder.retries.map(\.errorCode) == [.credentialsExpired])
        let credentialsUsed = stub.requests.map { $0.header("X-Amz-Security-Token") }
        #expect(credentialsUsed == ["old-token", "new-token"])
        #expect(base.loads == 2)
    }
}
