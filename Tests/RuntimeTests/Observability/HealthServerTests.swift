import Logging
import MillraceTesting
import Foundation
import Runtime
import Staging
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

    @Test("/healthz follows liveness: a loop that stops advancing, or a batch open past the bound, is unhealthy with the reason")
    func liveness() async throws {
        var liveness = Liveness()
        #expect(liveness.verdict(nowMillis: 10_000) == (true, "starting"))
        liveness.progressed(atMillis: 1_000, batchOpenedAtMillis: nil, boundMillis: 120_000)
        #expect(liveness.verdict(nowMillis: 121_000).healthy)
        #expect(liveness.verdict(nowMillis: 121_001) == (false, "the pipeline has not advanced for 120 s (bound 120 s)"))
        liveness.progressed(atMillis: 200_000, batchOpenedAtMillis: 50_000, boundMillis: 120_000)
        #expect(liveness.verdict(nowMillis: 200_000) == (false, "a batch has been open for 150 s without committing (bound 120 s)"))
        liveness.progressed(atMillis: 200_000, batchOpenedAtMillis: 150_000, boundMillis: 120_000)
        #expect(liveness.verdict(nowMillis: 200_000).healthy)

        // The same, through telemetry and the endpoint, with the test's own monotonic clock.
        let clock = Atomic<Int64>(0)
        let telemetry = Telemetry(logger: Logger(label: "t", factory: { _ in SwiftLogNoOpLogHandler() }),
            monotonicMillis: { clock.load(ordering: .relaxed) })
        let server = try HealthServer(host: "127.0.0.1", port: 0,
            responder: .init(metrics: { [] }, isReady: { telemetry.isReady }, health: { telemetry.health }))
        defer { server.stop() }
        telemetry.emit(.pipelineProgress(atMillis: 0, batchOpenedAtMillis: nil, boundMillis: 60_000))
        await #expect(try get(server.port, "/healthz") == (200, "ok\n"))
        clock.store(60_001, ordering: .relaxed)
        let stalled = try await get(server.port, "/healthz")
        #expect(stalled.status == 503 && stalled.body.contains("has not advanced for 60 s"), "\(stalled)")
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

    @Test("numbers are JSON numbers, durations seconds, flags booleans, lists and maps nested; text stays text")
    func typedValues() throws {
        let lines = Mutex<[String]>([])
        let handler = JSONLogHandler(label: "millrace.test", output: { line in lines.withLock { $0.append(line) } })
        let logger = Logger(label: "millrace.test", factory: { _ in handler })
        logger.info("typed", metadata: [
            "rows": .stringConvertible(42), "bytes": .stringConvertible(Int64(1) << 40), "ratio": .stringConvertible(0.25),
            "duration": .stringConvertible(Duration.milliseconds(1250)), "dry_run": .stringConvertible(true),
            "nan": .stringConvertible(Double.nan), "batch": "20261125T174200123Z-3fa9c2d1e0b47a65", "partition_text": "3",
            "partitions": .array([.stringConvertible(0), .stringConvertible(1)]),
            "counts": .dictionary(["fact": .stringConvertible(7), "table": "dim_entities"]),
        ])
        let line = try #require(lines.withLock { $0.first })
        // The raw text, so a number written as "42" (a string) could not pass as 42.
        #expect(line.hasSuffix(#""rows":42}"# + "\n") && line.contains(#""bytes":1099511627776,"#))
        #expect(line.contains(#""ratio":0.25,"#) && line.contains(#""duration":1.25,"#) && line.contains(#""dry_run":true,"#))
        #expect(line.contains(#""partitions":[0,1]"#) && line.contains(#""counts":{"fact":7,"table":"dim_entities"}"#))
        #expect(line.contains(#""partition_text":"3""#) && line.contains(#""nan":"nan""#))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect((object["rows"] as? NSNumber)?.intValue == 42)
        #expect(object["batch"] as? String == "20261125T174200123Z-3fa9c2d1e0b47a65")
    }

    @Test("a committed batch's log line carries its counts and its duration in seconds as numbers; a rebalance is one line")
    func telemetryLines() throws {
        let lines = Mutex<[String]>([])
        let handler = JSONLogHandler(label: "millrace.worker", output: { line in lines.withLock { $0.append(line) } })
        let telemetry = Telemetry(logger: Logger(label: "millrace.worker", factory: { _ in handler }))
        var record = CommitRecord(
            batchID: BatchID(createdAtMillis: 1_795_628_520_000, random: 1), state: .committed, worker: "w",
            sources: [], plannedPrefixes: [])
        record.stats.recordsIn = 500
        telemetry.emit(.batchCommitted(record, durationMillis: 1500))
        telemetry.emit(.partitionsAssigned([SourcePartition(topic: "t", partition: 0)]))
        let written = lines.withLock { $0 }
        #expect(written.count == 2, "\(written)")
        let committed = try #require(try JSONSerialization.jsonObject(with: Data(written[0].utf8)) as? [String: Any])
        #expect(committed["msg"] as? String == "batch committed")
        #expect(written[0].contains(#""records":500,"#) && written[0].contains(#""seconds":1.5"#), "\(written[0])")
        #expect((committed["records"] as? NSNumber)?.intValue == 500)
        #expect(written[1].contains(#""msg":"partitions assigned""#))
    }
}
