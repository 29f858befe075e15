import ArgumentParser
import Foundation
import Kafka
import Logging
import Runtime

/// `millrace mock-kafka`: a Kafka cluster on loopback for development and tests.
struct MockKafkaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mock-kafka",
        abstract: "Run librdkafka's mock Kafka cluster on loopback until SIGTERM or SIGINT.",
        discussion: """
            Prints the bootstrap servers on one line of standard output, then serves until \
            stopped. Point kcat or Millrace at them. The mock keeps about 5 MB per partition, \
            answers -1 to lookups by timestamp and has no SASL. With --control, each line of \
            standard input injects a fault and gets `ok` or `error: …` on standard output: \
            `errors API CODE...` (e.g. `errors offset_commit NOT_COORDINATOR`), `down ID`, `up ID`, \
            `rtt ID MS`, `leader TOPIC PARTITION ID`, `topic-error TOPIC CODE`.
            """
    )

    @Option(name: .long, help: "Number of brokers.")
    var brokers: Int = 3

    @Option(name: .long, help: "A topic to create, as name:partitions (repeatable).")
    var topic: [String] = []

    @Option(name: .long, help: "Also write the bootstrap servers to this file.")
    var bootstrapFile: String?

    @Flag(name: .long, help: "Read fault-injection commands from standard input, one per line (see above).")
    var control = false

    func validate() throws {
        guard (1...32).contains(brokers) else {
            throw ValidationError("--brokers must be 1 ... 32")
        }
        for spec in topic {
            do {
                _ = try MockTopicSpec(parsing: spec)
            } catch let error as KafkaError {
                throw ValidationError(error.message)
            }
        }
    }

    func run() async throws {
        // Catch the signals before announcing the brokers: a script may stop us right after.
        StopSignals.install()
        let logger = Logger(label: "millrace.mock-kafka", factory: { StreamLogHandler.standardError(label: $0) })
        let cluster = try MockCluster(brokers: brokers, logger: logger)
        for spec in try topic.map(MockTopicSpec.init(parsing:)) {
            try cluster.createTopic(spec.name, partitions: spec.partitions)
        }
        if let bootstrapFile {
            try Data((cluster.bootstrapServers + "\n").utf8).write(to: URL(fileURLWithPath: bootstrapFile), options: .atomic)
        }
        // Unbuffered, so a script reading the first line sees it at once.
        FileHandle.standardOutput.write(Data((cluster.bootstrapServers + "\n").utf8))
        if control {
            // A thread of its own: reading standard input blocks, which Swift's pool must never do.
            Thread { Self.serveControl(cluster) }.start()
        }
        let signal = await StopSignals.wait()
        logger.info("stopping the mock cluster", metadata: ["signal": "\(signal ?? 0)"])
        withExtendedLifetime(cluster) {}
    }

    /// Applies each line of standard input to `cluster` and answers it on standard output,
    /// until standard input ends (the cluster keeps serving until a signal).
    private static func serveControl(_ cluster: MockCluster) {
        while let line = readLine(strippingNewline: true) {
            guard !line.allSatisfy(\.isWhitespace) else { continue }
            let answer: String
            do {
                try MockClusterCommand(parsing: line).apply(to: cluster)
                answer = "ok"
            } catch let error as KafkaError {
                answer = "error: \(error.message)"
            } catch {
                answer = "error: \(error)"
            }
            FileHandle.standardOutput.write(Data((answer + "\n").utf8))
        }
    }
}
