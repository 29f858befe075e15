import Logging
import MillraceTesting
import Foundation
import Runtime
import Synchronization
import Testing

@Suite("Health and metrics endpoints")
struct HealthServerTests {
    private func get(_ port: Int, _ path: String) async throws -> (status: Int, body: String) {
        let output = try await Subprocess.curl(["-s", "-o", "-", "-w", "\n%{http_code}", "http://127.0.0.1:\(port)\(path)"])
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }

    @Test("serves /metrics, /healthz and /readyz over real HTTP; readiness follows the worker")
    func endpoints() async throws {
        let ready = Atomic<Bool>(false)
        let server = try HealthServer(
            host: "127.0.0.1", port: 0,
            responder: .init(metrics: { Array("millrace_up 1\n".utf8) }, isReady: { ready.load(ordering: .relaxed) }))
        defer { server.stop() }
        await #expect(try get(server.port, "/metrics") == (200, "millrace_up 1\n"))
        await #expect(try get(server.port, "/healthz").status == 200)
        await #expect(try get(server.port, "/readyz").status == 503)
        ready.store(true, ordering: .relaxed)
        await #expect(try get(server.port, "/readyz").status == 200)
        await #expect(try get(server.port, "/nope").status == 404)
    }

    @Test("a port already in use is a clear configuration error")
    func portInUse() throws {
        let first = try HealthServer(host: "127.0.0.1", port: 0, responder: .init(metrics: { [] }, isReady: { true }))
        defer { first.stop() }
        let error = #expect(throws: RuntimeError.self) {
            try HealthServer(host: "127.0.0.1", port: first.port, responder: .init(metrics: { [] }, isReady: { true }))
        }
        #expect(error?.code == .configuration)
    }
}

@Suite("JSON logs")
struct JSONLogHandlerTests {
    @Test("one parseable JSON object per line, metadata included, control characters escaped")
    func format() throws {
        let lines = Mutex<[String]>([])
        var handler = JSONLogHandler(label: "millrace.test", output: { line in lines.withLock { $0.append(line) } })
        handler.metadata["worker"] = "w-1"
        let logger = Logger(label: "millrace.test", factory: { _ in handler })
        logger.info("batch \"b1\" committed\nnext", metadata: ["rows": "42"])
        let line = try #require(lines.withLock { $0.first })
        #expect(line.hasSuffix("}\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(object["msg"] == "batch \"b1\" committed\nnext")
        #expect(object["level"] == "info")
        #expect(object["logger"] == "millrace.test")
        #expect(object["rows"] == "42")
        #expect(object["worker"] == "w-1")
        #expect(object["ts"]?.hasSuffix("Z") == true)
    }
}
