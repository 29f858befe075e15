import Foundation
import MillraceTesting
import Runtime
import Synchronization
import Testing

/// `millrace healthcheck` as Docker and ECS run it: the real binary against a real
/// `HealthServer` (the one the worker and loader serve), against a port nothing listens on, and
/// against a listener that never answers.
@Suite("millrace healthcheck")
struct HealthcheckProcessTests {
    private var millrace: String { PackagePaths.builtExecutable("millrace").path }

    private func healthcheck(_ arguments: [String]) async throws -> ProcessResult {
        try await Subprocess.run([millrace, "healthcheck"] + arguments, check: false)
    }

    @Test("a healthy endpoint exits 0; a 503 (not ready) or a 404 exits 1 naming the status")
    func againstTheHealthServer() async throws {
        let ready = Atomic<Bool>(false)
        let server = try HealthServer(
            host: "127.0.0.1", port: 0,
            responder: .init(metrics: { [] }, isReady: { ready.load(ordering: .relaxed) }))
        defer { server.stop() }
        let healthy = try await healthcheck(["--url", "http://127.0.0.1:\(server.port)/healthz"])
        #expect(healthy.status == 0, "\(healthy.stderr)")
        #expect(healthy.output.contains("HTTP 200"))

        let notReady = try await healthcheck(["--url", "http://127.0.0.1:\(server.port)/readyz"])
        #expect(notReady.status == 1)
        #expect(notReady.stderr == "millrace healthcheck: unhealthy: 127.0.0.1:\(server.port)/readyz: HTTP 503 Service Unavailable: not ready\n")
        ready.store(true, ordering: .relaxed)
        #expect(try await healthcheck(["--url", "http://localhost:\(server.port)/readyz"]).status == 0, "localhost resolves")

        let missing = try await healthcheck(["--url", "http://127.0.0.1:\(server.port)/nope"])
        #expect(missing.status == 1 && missing.stderr.contains("HTTP 404"), "\(missing.stderr)")
    }

    @Test("nothing listening exits 1 with the refused connection in one line")
    func nothingListening() async throws {
        // A port bound and released again: nothing listens on it now.
        let (probe, port) = try Self.loopbackSocket(listening: false)
        close(probe)
        let result = try await healthcheck(["--url", "http://127.0.0.1:\(port)/healthz"])
        #expect(result.status == 1)
        #expect(result.stderr == "millrace healthcheck: unhealthy: cannot connect to 127.0.0.1:\(port): Connection refused\n")
    }

    @Test("a server that accepts and never answers: exit 1 after the timeout, saying so")
    func silentServer() async throws {
        // A listening socket nobody accepts on: the kernel completes the handshake, no answer comes.
        let (silent, port) = try Self.loopbackSocket(listening: true)
        defer { close(silent) }
        let result = try await healthcheck(["--url", "http://127.0.0.1:\(port)/healthz", "--timeout", "0.5"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("no answer within"), "\(result.stderr)")
    }

    @Test("a URL that is not http://host[:port][/path] is a usage error (64)", arguments: [
        "https://127.0.0.1/healthz", "127.0.0.1:9464", "http://:9464/", "http://host:99999/", "http://[::1/",
    ])
    func badURL(_ url: String) async throws {
        let result = try await healthcheck(["--url", url])
        #expect(result.status == 64, "\(url): \(result.stderr)")
        #expect(result.stderr.contains("--url must be http://host[:port][/path]"))
    }

    @Test("URLs are taken apart as RFC 3986 says: IPv6 in brackets, default port 80 and path /")
    func targets() {
        #expect(HealthCheck.Target(HealthCheck.defaultURL) == target("127.0.0.1", 9464, "/healthz"))
        #expect(HealthCheck.Target("http://[::1]:9464/readyz") == target("::1", 9464, "/readyz"))
        #expect(HealthCheck.Target("http://worker") == target("worker", 80, "/"))
        #expect(HealthCheck.Target("http://worker?x=1") == target("worker", 80, "/?x=1"))
        #expect(HealthCheck.Target("http://[::1]x/") == nil)
    }

    /// A TCP socket bound to a free loopback port, listening or not.
    private static func loopbackSocket(listening: Bool) throws -> (Int32, Int) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && (!listening || listen(descriptor, 4) == 0) && getsockname(descriptor, $0, &length) == 0
            }
        }
        try #require(bound)
        return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
    }

    private func target(_ host: String, _ port: Int, _ path: String) -> HealthCheck.Target? {
        var target = HealthCheck.Target("http://placeholder")
        target?.host = host
        target?.port = port
        target?.path = path
        return target
    }
}
