import Foundation
import Kafka
import MillraceTesting
import Testing

/// `millrace mock-kafka`, run as a real process and used by kcat.
@Suite("millrace mock-kafka", .timeLimit(.minutes(1)))
struct MockKafkaCommandTests {
    /// A running `millrace mock-kafka` and the bootstrap line it printed.
    final class RunningMock {
        let process = Process()
        let bootstrap: String

        init(arguments: [String]) throws {
            process.executableURL = PackagePaths.builtExecutable("millrace")
            process.arguments = ["mock-kafka"] + arguments
            let output = Pipe()
            process.standardOutput = output
            try process.run()
            // The first line of standard output is the bootstrap list.
            var line = Data()
            while let byte = try output.fileHandleForReading.read(upToCount: 1), let first = byte.first, first != UInt8(ascii: "\n") {
                line.append(first)
            }
            bootstrap = String(decoding: line, as: UTF8.self)
        }

        /// Sends `signal` and returns the exit status, or nil (after killing it) when it did
        /// not exit within 10 s.
        func stop(with signal: Int32 = SIGTERM) -> Int32? {
            kill(process.processIdentifier, signal)
            let deadline = Date().addingTimeInterval(10)
            while process.isRunning && Date() < deadline {
                Thread.sleep(forTimeInterval: 0.05)
            }
            guard !process.isRunning else {
                kill(process.processIdentifier, SIGKILL)
                return nil
            }
            return process.terminationStatus
        }
    }

    @Test("kcat round-trips messages through it, and SIGTERM stops it with status 0")
    func kcatRoundTrip() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.path("bootstrap.txt")
        let mock = try RunningMock(arguments: ["--brokers", "3", "--topic", "postgres.eav.entities:4", "--topic", "orders:2", "--bootstrap-file", file.path])
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
        #expect(mock.stop(with: SIGTERM) == 0)
    }

    @Test("SIGINT also stops it with status 0; a malformed topic is refused before starting")
    func interruptAndValidation() async throws {
        let mock = try RunningMock(arguments: ["--brokers", "1"])
        #expect(!mock.bootstrap.isEmpty)
        #expect(mock.stop(with: SIGINT) == 0)
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
