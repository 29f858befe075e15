import Dispatch
import Foundation
import Kafka
import MillraceTesting
import Synchronization
import Testing

/// `millrace mock-kafka`, run as a real process and used by kcat.
@Suite("millrace mock-kafka", .timeLimit(.minutes(1)))
struct MockKafkaCommandTests {
    /// A running `millrace mock-kafka` and the bootstrap line it printed. Every wait happens
    /// on a thread of its own, never on the cooperative pool, and is bounded.
    final class RunningMock: @unchecked Sendable {
        let process: Process
        let errors: Pipe
        let bootstrap: String

        /// Starts the command and waits (at most `timeout`) for its first line of standard output,
        /// the bootstrap list; throws, after killing it, when none came.
        init(arguments: [String], timeout: Duration = .seconds(30)) async throws {
            let process = Process()
            process.executableURL = PackagePaths.builtExecutable("millrace")
            process.arguments = ["mock-kafka"] + arguments
            let output = Pipe()
            let errors = Pipe()
            process.standardOutput = output
            process.standardError = errors
            try process.run()
            let line = try await Self.waiting(timeout, killing: process) {
                // The first line of standard output is the bootstrap list.
                var line = Data()
                while let byte = try output.fileHandleForReading.read(upToCount: 1), let first = byte.first, first != UInt8(ascii: "\n") {
                    line.append(first)
                }
                return line
            }
            guard let line, !line.isEmpty else {
                throw TimedOut(description: "mock-kafka printed no bootstrap line within \(timeout)")
            }
            self.process = process
            self.errors = errors
            bootstrap = String(decoding: line, as: UTF8.self)
        }

        /// Sends `signal` and returns the exit status and what it wrote to standard error, or
        /// nil (after killing it) when it did not exit within 10 s.
        func stop(with signal: Int32 = SIGTERM) async throws -> (status: Int32, stderr: String)? {
            kill(process.processIdentifier, signal)
            return try await Self.waiting(.seconds(10), killing: process) { [process, errors] in
                process.waitUntilExit()
                let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                return (process.terminationStatus, text)
            }
        }

        /// Runs `body` on a new thread; when it has not returned within `timeout`, kills
        /// `process` (which ends a read of its output or a wait for it) and returns nil.
        private static func waiting<T: Sendable>(
            _ timeout: Duration, killing process: Process, _ body: @escaping @Sendable () throws -> T
        ) async throws -> T? {
            let expired = Atomic<Bool>(false)
            let finished = Atomic<Bool>(false)
            let pid = process.processIdentifier
            let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
            DispatchQueue.global().asyncAfter(deadline: .now() + seconds) {
                guard !finished.load(ordering: .acquiring) else { return }
                expired.store(true, ordering: .releasing)
                kill(pid, SIGKILL)
            }
            let value = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                Thread {
                    let result = Result { try body() }
                    finished.store(true, ordering: .releasing)
                    continuation.resume(with: result)
                }.start()
            }
            return expired.load(ordering: .acquiring) ? nil : value
        }
    }

    @Test("kcat round-trips messages through it, and SIGTERM stops it with status 0")
    func kcatRoundTrip() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.path("bootstrap.txt")
        let mock = try await RunningMock(arguments: ["--brokers", "3", "--topic", "postgres.eav.entities:4", "--topic", "orders:2", "--bootstrap-file", file.path])
        #expect(mock.bootstrap.split(separator: ",").count == 3)
        #expect(try String(contentsOf: file, encoding: .utf8) == mock.bootstrap + "\n")

        let lines = (0..<25).map { "key\($0):{\"id\":\($0)}" }
        try await Subprocess.run(
            ["timeout", "30", "kcat", "-q", "-P", "-b", mock.bootstrap, "-t", "postgres.eav.entities", "-K", ":"],
            input: Data((lines.joined(separator: "\n") + "\n").utf8)
        )
        let consumed = try await Subprocess.run([
            "timeout", "30", "kcat", "-q", "-C", "-G", "kcat-\(UUID().uuidString.prefix(6))", "-b", mock.bootstrap,
            "-c", "25", "-f", "%k:%s\\n", "-X", "auto.offset.reset=earliest", "postgres.eav.entities",
        ])
        #expect(Set(consumed.output.split(separator: "\n").map(String.init)) == Set(lines))
        // The topic was created with the requested partitions: kcat's metadata lists them.
        let metadata = try await Subprocess.run(["timeout", "30", "kcat", "-L", "-b", mock.bootstrap, "-t", "orders"]).output
        #expect(metadata.contains("2 partitions"))
        let stopped = try await mock.stop(with: SIGTERM)
        #expect(stopped?.status == 0)
        // librdkafka's notice about the mock's host client having no brokers is not shown.
        #expect(stopped.map { !$0.stderr.contains("bootstrap.servers") } == true, "\(stopped?.stderr ?? "")")
    }

    @Test("SIGINT also stops it with status 0; a malformed topic is refused before starting")
    func interruptAndValidation() async throws {
        let mock = try await RunningMock(arguments: ["--brokers", "1"])
        #expect(!mock.bootstrap.isEmpty)
        #expect(try await mock.stop(with: SIGINT)?.status == 0)
        let refused = try await Subprocess.run([PackagePaths.builtExecutable("millrace").path, "mock-kafka", "--topic", "bad name:3"], check: false)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("bad name"))
    }

    @Test("topic specs parse name:partitions and refuse what Kafka would", arguments: [
        ("orders:12", "orders", 12), ("postgres.eav.entity_values_ts:36", "postgres.eav.entity_values_ts", 36), ("single", "single", 1),
    ])
    func specs(text: String, name: String, partitions: Int) throws {
        #expect(try MockTopicSpec(parsing: text) == MockTopicSpec(name: name, partitions: partitions))
    }

    @Test("malformed topic specs are refused", arguments: ["", "a:0", "a:b", "a:1:2", "spa ce:1", "..:1", String(repeating: "x", count: 250)])
    func badSpecs(text: String) {
        #expect(throws: KafkaError.self) { try MockTopicSpec(parsing: text) }
    }
}
