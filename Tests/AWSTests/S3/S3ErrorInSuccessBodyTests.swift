@testable import AWS
import Foundation
import MillraceTesting
import Retry
import Synchronization
import Testing

/// An `HTTPStub` plays S3 here: S3 may answer CompleteMultipartUpload and CopyObject with 200
/// and an `<Error>` body, and a completion repeated after S3 carried it out may be answered
/// `NoSuchUpload`; moto does neither (it fails before answering, and answers a repeated
/// completion with 200), so no local server can produce these answers.
@Suite("S3 answers a 200 with an error in the body, or NoSuchUpload to a repeated completion")
struct S3ErrorInSuccessBodyTests {
    static let partETag = "0123456789abcdef0123456789abcdef"
    static let part = S3CompletedPart(partNumber: 1, etag: partETag, checksumSHA256: "AAAA", size: 5_242_880)

    static func client(_ stub: HTTPStub, recorder: EventRecorder) throws -> S3Client {
        let configuration = S3Configuration(
            endpoint: Endpoint(stub.endpoint), addressing: .pathStyle,
            retry: RetryPolicy(maxAttempts: 4, backoff: FullJitterBackoff(initialDelay: .milliseconds(1))))
        return try S3Client(
            configuration: configuration,
            credentials: StaticCredentialsProvider(AWSCredentials(accessKeyID: "AKIDSTUB", secretAccessKey: "stub-secret")),
            events: AWSEvents(logger: S3TestSupport.quietLogger, handler: { recorder.record($0) }))
    }

    /// Answers the first request `matches` selects with `first`, every later one with `then`.
    static func firstThen(_ first: HTTPStubResponse, _ then: HTTPStubResponse) -> @Sendable (HTTPStubMessage) -> HTTPStubResponse {
        let count = Mutex(0)
        return { _ in count.withLock { $0 += 1; return $0 } == 1 ? first : then }
    }

    static func error(_ code: String) -> HTTPStubResponse {
        HTTPStubResponse(body: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\n<Error><Code>\(code)</Code><Message>failed after 200</Message><RequestId>r-200</RequestId></Error>")
    }

    @Test("CompleteMultipartUpload: a 200 carrying InternalError is retried, and the retry's result returned")
    func completeRetried() async throws {
        let answer = Self.firstThen(Self.error("InternalError"), HTTPStubResponse(body: """
            <CompleteMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><ETag>"aaaabbbbccccddddeeeeffff00001111-1"</ETag></CompleteMultipartUploadResult>
            """))
        let stub = try HTTPStub(handler: answer)
        defer { stub.stop() }
        let recorder = EventRecorder()
        let client = try Self.client(stub, recorder: recorder)
        let result = try await S3TestSupport.onThread {
            try client.completeMultipartUpload(bucket: "b", key: "k", uploadID: "u-1", parts: [Self.part])
        }
        #expect(result.etag == "aaaabbbbccccddddeeeeffff00001111-1")
        #expect(stub.requests.count == 2)
        #expect(stub.requests.allSatisfy { $0.method == "POST" && $0.target == "/b/k?uploadId=u-1" })
        #expect(recorder.retries.map(\.errorCode) == [.serverError])
        #expect(recorder.retries.first?.status == 200)
    }

    @Test("CopyObject: a 200 carrying SlowDown is retried as a throttle")
    func copyRetried() async throws {
        let copy = Self.firstThen(Self.error("SlowDown"), HTTPStubResponse(body: """
            <CopyObjectResult><ETag>"99998888777766665555444433332222"</ETag></CopyObjectResult>
            """))
        let stub = try HTTPStub { request in
            request.method == "HEAD"
                ? HTTPStubResponse(headers: [("ETag", "\"99998888777766665555444433332222\""), ("Content-Length", "12")])
                : copy(request)
        }
        defer { stub.stop() }
        let recorder = EventRecorder()
        let client = try Self.client(stub, recorder: recorder)
        let result = try await client.copyObject(fromBucket: "b", fromKey: "from", toBucket: "b", toKey: "to")
        #expect(result.etag == "99998888777766665555444433332222")
        #expect(stub.requests.map(\.method) == ["PUT", "PUT", "HEAD"])
        #expect(recorder.retries.map(\.errorCode) == [.throttled])
        #expect(recorder.throttles.map(\.serviceCode) == ["SlowDown"])
    }

    @Test("a final error in a 200 body (AccessDenied) surfaces at once, not retried")
    func finalErrorInBody() async throws {
        let stub = try HTTPStub { _ in Self.error("AccessDenied") }
        defer { stub.stop() }
        let recorder = EventRecorder()
        let client = try Self.client(stub, recorder: recorder)
        let error = await #expect(throws: AWSError.self) {
            try await S3TestSupport.onThread {
                try client.completeMultipartUpload(bucket: "b", key: "k", uploadID: "u-1", parts: [Self.part])
            }
        }
        #expect(error?.code == .accessDenied)
        #expect(error?.message.contains("HTTP 200") == true)
        #expect(stub.requests.count == 1)
    }

    @Test("a repeated completion answered NoSuchUpload succeeds when the object has the parts' ETag and size, and fails otherwise",
          arguments: [true, false])
    func noSuchUploadReconciled(objectIsOurs: Bool) async throws {
        let expected = try S3Client.multipartETag([Self.part])
        let stub = try HTTPStub { request in
            if request.method == "HEAD" {
                return HTTPStubResponse(headers: [
                    ("ETag", "\"\(objectIsOurs ? expected : "ffffeeeeddddccccbbbbaaaa99998888-1")\""),
                    ("Content-Length", "\(Self.part.size)"),
                ])
            }
            return HTTPStubResponse(status: 404, body: "<Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist.</Message></Error>")
        }
        defer { stub.stop() }
        let recorder = EventRecorder()
        let client = try Self.client(stub, recorder: recorder)
        do {
            let result = try await S3TestSupport.onThread {
                try client.completeMultipartUpload(bucket: "b", key: "k", uploadID: "u-1", parts: [Self.part])
            }
            #expect(objectIsOurs)
            #expect(result.etag == expected)
            #expect(result.size == Self.part.size)
        } catch let error as AWSError {
            #expect(!objectIsOurs)
            #expect(error.serviceCode == "NoSuchUpload")
        }
        #expect(stub.requests.map(\.method) == ["POST", "HEAD"])
    }
}
