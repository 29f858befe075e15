@testable import AWS
import Foundation
import MillraceTesting
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

    @Test("TLS is verified by default: a self-signed server is refused unless its certificate is trusted")
    func tlsVerification() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let certificate = directory.path("cert.pem").path
        let key = directory.path("key.pem").path
        try await Subprocess.run([
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", certificate,
        ])
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // The server exits by itself after one good request or 20 s, so it never outlives the test.
        server.arguments = ["python3", "-c", """
            import http.server, ssl, sys, time
            served = []
            class Handler(http.server.BaseHTTPRequestHandler):
                def do_GET(self):
                    self.send_response(200); self.send_header("Content-Length", "2"); self.end_headers(); self.wfile.write(b"ok")
                    served.append(1)
                def log_message(self, *args): pass
            httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
            httpd.timeout = 0.5
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); context.load_cert_chain(sys.argv[1], sys.argv[2])
            httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
            print(httpd.server_address[1], flush=True)
            deadline = time.time() + 20
            while not served and time.time() < deadline:
                httpd.handle_request()
            """, certificate, key]
        let output = Pipe()
        server.standardOutput = output
        server.standardError = FileHandle.nullDevice
        try server.run()
        let line = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        let port = try #require(Int(line.trimmingCharacters(in: .whitespacesAndNewlines)))
        let endpoint = "https://127.0.0.1:\(port)"

        let refused = #expect(throws: AWSError.self) { try HTTPClient(configuration: Self.quick).perform(Self.request(endpoint)) }
        #expect(refused?.code == .tlsFailure)
        #expect(refused?.isRetriable == false)
        var trusting = Self.quick
        trusting.caBundlePath = certificate
        let response = try HTTPClient(configuration: trusting).perform(Self.request(endpoint))
        #expect(response.status == 200)
        #expect(response.body == Array("ok".utf8))
    }
}
