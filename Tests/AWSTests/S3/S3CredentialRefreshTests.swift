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

    @Test("credentials still refused as expired after the refresh are final: one retry, not maxAttempts")
    func expiredTokenRetriedOnce() throws {
        let stub = try HTTPStub { _ in
            HTTPStubResponse(status: 400, body: "<Error><Code>ExpiredToken</Code><Message>The provided token has expired.</Message></Error>")
        }
        defer { stub.stop() }
        let base = ScriptedProvider()
        base.set(.success(AWSCredentials(accessKeyID: "ASIASTALE", secretAccessKey: "stale", sessionToken: "stale-token")))
        let recorder = EventRecorder()
        let configuration = S3Configuration(
            endpoint: Endpoint(stub.endpoint), addressing: .pathStyle,
            retry: RetryPolicy(maxAttempts: 6, backoff: FullJitterBackoff(initialDelay: .milliseconds(1))))
        let client = try S3Client(
            configuration: configuration, credentials: CachingCredentialsProvider(base),
            events: AWSEvents(logger: S3TestSupport.quietLogger, handler: { recorder.record($0) }))
        let error = #expect(throws: AWSError.self) { try client.putObject(bucket: "b", key: "k", bytes: [1]) }
        #expect(error?.code == .credentialsExpired)
        #expect(error?.isRetriable == false)
        #expect(error?.message.contains("refreshed credentials were refused") == true)
        #expect(stub.requests.count == 2)
        #expect(recorder.retries.map(\.errorCode) == [.credentialsExpired])
        #expect(base.loads == 2)
    }
}
