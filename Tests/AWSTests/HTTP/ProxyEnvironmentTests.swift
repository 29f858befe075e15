import Foundation
import MillraceTesting
import Testing

/// The standard proxy variables, which libcurl reads from the process environment on every
/// transfer. Each case runs the real S3 client in a child process (`MillraceBench s3-upload`,
/// built with the tests) under `env -i`, so the variables never touch this process, whose other
/// tests run in parallel. `HTTPStub`s play the proxy and the S3 origin: what is checked is where
/// the request goes and in which form, which no S3 server can report.
@Suite("HTTP client: proxies from http_proxy, HTTPS_PROXY and no_proxy")
struct ProxyEnvironmentTests {
    enum Case: String, CaseIterable, CustomTestStringConvertible {
        /// `http_proxy`: an http:// request goes to the proxy in absolute form.
        case httpProxy
        /// `HTTPS_PROXY`: an https:// request opens a CONNECT tunnel through the proxy.
        case httpsProxy
        /// `no_proxy` names the origin: the request goes to it directly.
        case noProxy
        /// Upper-case `HTTP_PROXY` is ignored (CGI environments may set it from a header).
        case upperCaseHTTPProxyIgnored

        var testDescription: String { rawValue }
    }

    /// A host that does not resolve: only a proxy can carry a request to it.
    static let unresolvable = "s3.millrace-proxy-test.invalid"
    /// The bucket's host under it (a DNS-name endpoint gets virtual-hosted addressing).
    static let bucketHost = "millrace-proxy.\(unresolvable)"

    @Test("proxy variables route requests as libcurl documents", arguments: Case.allCases)
    func proxies(_ testCase: Case) async throws {
        let etag = ("ETag", "\"0123456789abcdef0123456789abcdef\"")
        let proxy = try HTTPStub { request in
            request.method == "CONNECT" ? HTTPStubResponse(status: 403, body: "no tunnels here") : HTTPStubResponse(headers: [etag])
        }
        defer { proxy.stop() }
        let origin = try HTTPStub { _ in HTTPStubResponse(headers: [etag]) }
        defer { origin.stop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let upload = directory.path("upload")
        try FileManager.default.createDirectory(at: upload, withIntermediateDirectories: true)
        try Data("proxied bytes".utf8).write(to: upload.appendingPathComponent("f.bin"))

        let endpoint: String
        var variables: [String: String] = [:]
        switch testCase {
        case .httpProxy:
            endpoint = "http://\(Self.unresolvable):9000"
            variables["http_proxy"] = proxy.endpoint
        case .httpsProxy:
            endpoint = "https://\(Self.unresolvable)"
            variables["HTTPS_PROXY"] = proxy.endpoint
        case .noProxy:
            endpoint = origin.endpoint
            variables["http_proxy"] = proxy.endpoint
            variables["no_proxy"] = "127.0.0.1"
        case .upperCaseHTTPProxyIgnored:
            endpoint = origin.endpoint
            variables["HTTP_PROXY"] = proxy.endpoint
        }
        let result = try await Self.upload(directory: upload.path, endpoint: endpoint, home: directory.path("home").path, variables: variables)

        switch testCase {
        case .httpProxy:
            #expect(result.status == 0, "\(result.stderr)")
            #expect(proxy.requests.map(\.startLine) == ["PUT http://\(Self.bucketHost):9000/k/f.bin HTTP/1.1"])
            #expect(proxy.requests.first?.header("Host") == "\(Self.bucketHost):9000")
            #expect(proxy.requests.first?.body == Array("proxied bytes".utf8))
            #expect(origin.requests.isEmpty)
        case .httpsProxy:
            #expect(result.status != 0)  // the proxy refuses the tunnel
            #expect(result.stderr.contains("PutObject") || result.stderr.contains("PUT"), "\(result.stderr)")
            #expect(!proxy.requests.isEmpty)
            #expect(proxy.requests.allSatisfy { $0.startLine == "CONNECT \(Self.bucketHost):443 HTTP/1.1" })
            #expect(origin.requests.isEmpty)
        case .noProxy, .upperCaseHTTPProxyIgnored:
            #expect(result.status == 0, "\(result.stderr)")
            #expect(origin.requests.map(\.startLine) == ["PUT /millrace-proxy/k/f.bin HTTP/1.1"])
            #expect(proxy.requests.isEmpty)
        }
    }

    /// Runs `MillraceBench s3-upload` over `directory` in an environment holding only the
    /// credentials, the region and `variables`.
    static func upload(directory: String, endpoint: String, home: String, variables: [String: String]) async throws -> ProcessResult {
        var environment = [
            "HOME": home, "PATH": "/usr/bin:/bin", "AWS_ACCESS_KEY_ID": "AKIDPROXYTEST", "AWS_SECRET_ACCESS_KEY": "proxy-test-secret",
            "AWS_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true",
        ]
        environment.merge(variables) { $1 }
        let bench = PackagePaths.builtExecutable("MillraceBench").path
        return try await Subprocess.run(
            ["-i"] + environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                + [bench, "s3-upload", "--endpoint", endpoint, "--bucket", "millrace-proxy", "--key", "k", "--directory", directory,
                   "--concurrency", "1"],
            check: false)
    }
}
