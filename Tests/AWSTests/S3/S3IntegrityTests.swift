@testable import AWS
import Foundation
import MillraceTesting
import Retry
import Testing

/// Integrity checks that moto cannot exercise (it never rejects a body and never serves a
/// corrupted one), so an `HTTPStub` plays S3 and records what the client sends.
@Suite("S3 integrity: checksums sent on upload, verified on download")
struct S3IntegrityTests {
    static func client(_ stub: HTTPStub, recorder: EventRecorder? = nil) throws -> S3Client {
        let configuration = S3Configuration(
            endpoint: Endpoint(stub.endpoint), addressing: .pathStyle,
            retry: RetryPolicy(maxAttempts: 2, backoff: FullJitterBackoff(initialDelay: .milliseconds(1))))
        var events = AWSEvents(logger: S3TestSupport.quietLogger)
        if let recorder { events.handler = { recorder.record($0) } }
        return try S3Client(configuration: configuration,
            credentials: StaticCredentialsProvider(AWSCredentials(accessKeyID: "AKID", secretAccessKey: "s")), events: events)
    }

    @Test("an upload signs its body's SHA-256 and sends it again as x-amz-checksum-sha256")
    func uploadChecksums() throws {
        let stub = try HTTPStub { _ in HTTPStubResponse(headers: [("ETag", "\"e\"")]) }
        defer { stub.stop() }
        let body = Array("parquet bytes".utf8)
        _ = try Self.client(stub).putObject(bucket: "b", key: "k", bytes: body)
        let request = try #require(stub.requests.first)
        let digest = try Digest.sha256(body)
        #expect(request.header("x-amz-content-sha256") == Hex.encode(digest))
        #expect(request.header("x-amz-checksum-sha256") == Base64.standard(digest))
        #expect(request.header("x-amz-sdk-checksum-algorithm") == "SHA256")
        #expect(request.header("Authorization")?.contains("x-amz-checksum-sha256") == true)  // signed too
        #expect(request.body == body)
    }

    @Test("a download whose bytes do not match the stored checksum is an integrity error, retried first")
    func corruptedDownload() throws {
        let good = Array("the real object".utf8)
        let goodChecksum = Base64.standard(try Digest.sha256(good))
        let stub = try HTTPStub { request in
            let corrupt = request.path.hasSuffix("/corrupt")
            return HTTPStubResponse(
                headers: [("x-amz-checksum-sha256", goodChecksum), ("ETag", "\"e\"")],
                body: corrupt ? "the real objecT" : "the real object")
        }
        defer { stub.stop() }
        let recorder = EventRecorder()
        let client = try Self.client(stub, recorder: recorder)
        #expect(try client.getObject(bucket: "b", key: "fine").bytes == good)
        let error = #expect(throws: AWSError.self) { try client.getObject(bucket: "b", key: "corrupt") }
        #expect(error?.code == .integrityMismatch)
        #expect(recorder.retries.map(\.errorCode) == [.integrityMismatch])  // fetched again before giving up
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.path("corrupt")
        let fileError = #expect(throws: AWSError.self) { try client.getObject(bucket: "b", key: "corrupt", toFile: file.path) }
        #expect(fileError?.code == .integrityMismatch)
        #expect(!FileManager.default.fileExists(atPath: file.path))
    }
}
