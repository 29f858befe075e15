@testable import AWS
import Foundation
import MillraceTesting
import Retry
import Testing

/// The libcurl client against loopback servers: an `HTTPStub`, a `FaultProxy` in front of one,
/// and a TLS server with a self-signed certificate.
@Suite("HTTP client over libcurl")
struct HTTPClientTests {
    static func request(_ endpoint: String, _ method: String = "GET", path: String = "/") -> HTTPRequest {
        let parsed = Endpoint(endpoint)!
        return HTTPRequest(method: method, origin: parsed.origin, pathAndQuery: path, headers: ["Host": parsed.hostHeader])
    }

    static let quick = HTTPClientConfiguration(connectTimeout: .seconds(1), requestTimeout: .seconds(10), stallTimeout: .seconds(1))

    @Test("bodies go up from memory and from a file, come back in memory, and connections are reused")
    func bodiesAndReuse() throws {
        let stub = try HTTPStub { request in
            HTTPStubResponse(headers: [("X-Echo-Length", "\(request.body.count)"), ("ETag", "\"e\"")], body: String(decoding: request.body.reversed(), as: UTF8.self))
        }
        defer { stub.stop() }
        let client = HTTPClient(configuration: Self.quick)
        let payload = Array("hello, world".utf8)
        let fromMemory = try payload.withUnsafeBytes { buffer in
            try client.perform(Self.request(stub.endpoint, "PUT"), body: .memory(buffer))
        }
        #expect(fromMemory.status == 200)
        #expect(fromMemory.headers["x-echo-length"] == "12")
        #expect(fromMemory.body == payload.reversed())
        #expect(fromMemory.bytesSent == 12)

        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.path("body")
        try Data("0123456789".utf8).write(to: file)
        let descriptor = open(file.path, O_RDONLY)
        defer { close(descriptor) }
        let fromFile = try client.perform(Self.request(stub.endpoint, "POST"), body: .file(descriptor: descriptor, offset: 3, length: 5))
        #expect(String(decoding: fromFile.body, as: UTF8.self) == "76543")
        for _ in 0..<5 { _ = try client.perform(Self.request(stub.endpoint)) }
        #expect(stub.connectionCount == 1)
    }

    @Test("a response larger than the in-memory limit is refused before it is buffered")
    func responseLimit() throws {
        let stub = try HTTPStub { _ in HTTPStubResponse(body: String(repeating: "x", count: 10_000)) }
        defer { stub.stop() }
        let error = #expect(throws: AWSError.self) {
            try HTTPClient(configuration: Self.quick).perform(Self.request(stub.endpoint), sink: .memory(limit: 1000))
        }
        #expect(error?.code == .invalidArgument)
    }

    @Test("faults map to retriable codes: stall → timeout, reset → connectionFailed, truncation → malformedResponse",
          arguments: [(FaultKind.stall, AWSError.Code.timeout), (.connectionReset, .connectionFailed), (.truncatedResponse, .malformedResponse)])
    func faults(kind: FaultKind, code: AWSError.Code) throws {
        let stub = try HTTPStub { _ in HTTPStubResponse(body: String(repeating: "y", count: 50_000)) }
        defer { stub.stop() }
        let proxy = try FaultProxy(FaultProxy.Configuration(upstream: stub.endpoint, faultRate: 1, kinds: [kind], stall: .seconds(3)))
        defer { proxy.stop() }
        let error = #expect(throws: AWSError.self) { try HTTPClient(configuration: Self.quick).perform(Self.request(proxy.endpoint)) }
        #expect(error?.code == code)
        #expect(error?.isRetriable == true)
    }

    @Test("a whole-request timeout ends a slow response")
    func requestTimeout() throws {
        let stub = try HTTPStub { _ in
            usleep(1_500_000)
            return HTTPStubResponse(body: "late")
        }
        defer { stub.stop() }
        var configuration = Self.quick
        configuration.requestTimeout = .milliseconds(300)
        let error = #expect(throws: AWSError.self) { try HTTPClient(configuration: configuration).perform(Self.request(stub.endpoint)) }
        #expect(error?.code == .timeout)
    }

    @Test("a refused connection is a retriable connection failure")
    func refused() throws {
        let stub = try HTTPStub { _ in HTTPStubResponse() }
        let endpoint = stub.endpoint
        stub.stop()
        let error = #expect(throws: AWSError.self) { try HTTPClient(configuration: Self.quick).perform(Self.request(endpoint)) }
        #expect(error?.code == .connectionFailed)
        #expect(error?.isRetriable == true)
    }

    @Test("a connect that gets no answer ends at the connect timeout, long before the request timeout")
    func connectTimeout() async throws {
        var quick = Self.quick
        quick.connectTimeout = .milliseconds(500)
        quick.requestTimeout = .seconds(30)
        let configuration = quick
        let (error, elapsed) = try await S3TestSupport.onThread { () -> (AWSError?, Duration) in
            let listener = try FullBacklogListener()
            let clock = ContinuousClock()
            let start = clock.now
            let error = #expect(throws: AWSError.self) {
                try HTTPClient(configuration: configuration).perform(Self.request("http://127.0.0.1:\(listener.port)"))
            }
            return (error, clock.now - start)
        }
        #expect(error?.code == .timeout)
        #expect(error?.isRetriable == true)
        #expect(error?.message.contains("Failed to connect") == true, "\(error.map { "\($0)" } ?? "")")
        #expect(elapsed >= .milliseconds(450))
        #expect(elapsed < .seconds(5))
    }

    @Test("TLS is verified by default: a self-signed server is refused unless its certificate is trusted")
    func tlsVerification() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try await TLSTestServer.start(in: directory)
        defer { server.stop() }
        let refused = try await S3TestSupport.onThread {
            #expect(throws: AWSError.self) { try HTTPClient(configuration: Self.quick).perform(Self.request(server.endpoint)) }
        }
        #expect(refused?.code == .tlsFailure)
        #expect(refused?.isRetriable == false)
        var trustingConfiguration = Self.quick
        trustingConfiguration.caBundlePath = server.certificate
        let trusting = trustingConfiguration
        let response = try await S3TestSupport.onThread { try HTTPClient(configuration: trusting).perform(Self.request(server.endpoint)) }
        #expect(response.status == 200)
        #expect(response.body == Array("ok".utf8))
    }

    @Test("AWS_CA_BUNDLE makes the S3 client trust a private CA; without it the same server is refused")
    func caBundleFromEnvironment() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try await TLSTestServer.start(in: directory)
        defer { server.stop() }
        let credentials = StaticCredentialsProvider(AWSCredentials(accessKeyID: "AKIDTLS", secretAccessKey: "tls-secret"))
        let home = try TemporaryDirectory()
        defer { home.remove() }
        func client(_ variables: [String: String]) throws -> S3Client {
            var configuration = try S3Configuration(environment: CredentialTestSupport.isolated(
                variables.merging(["AWS_ENDPOINT_URL_S3": server.endpoint, "AWS_REGION": "us-east-1"]) { $1 }, home: home))
            configuration.retry = .never
            return try S3Client(configuration: configuration, credentials: credentials)
        }
        let untrusting = try client([:])
        #expect(untrusting.configuration.http.caBundlePath == nil)
        let refused = await #expect(throws: AWSError.self) { try await untrusting.getObject(bucket: "b", key: "k") }
        #expect(refused?.code == .tlsFailure)
        let trusting = try client(["AWS_CA_BUNDLE": server.certificate])
        let object = try await trusting.getObject(bucket: "b", key: "k")
        #expect(object.bytes == Array("ok".utf8))
    }
}
