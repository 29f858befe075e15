import ArgumentParser
import Dispatch
import Foundation
import Kafka
import Logging

/// `millrace mock-kafka`: a Kafka cluster on loopback for development and tests.
struct MockKafkaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mock-kafka",
        abstract: "Run librdkafka's mock Kafka cluster on loopback until SIGTERM or SIGINT.",
        discussion: """
            Prints the bootstrap servers on one line of standard output, then serves until \
            stopped. Point kcat or Millrace at them. The mock keeps about 5 MB per partition, \
            answers -1 to lookups by timestamp and has no SASL.
            """
    )

    @Option(name: .long, help: "Number of brokers.")
    var brokers: Int = 3

    @Option(name: .long, help: "A topic to create, as name:partitions (repeatable).")
    var topic: [String] = []

    @Option(name: .long, help: "Also write the bootstrap servers to this file.")
    var bootstrapFile: String?

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
        let signal = await Self.waitForTermination()
        logger.info("stopping the mock cluster", metadata: ["signal": "\(signal)"])
        withExtendedLifetime(cluster) {}
    }

    /// Waits for SIGTERM or SIGINT and returns which arrived.
    private static func waitForTermination() async -> Int32 {
        await withCheckedContinuation { continuation in
            let queue = DispatchQueue(label: "millrace.mock-kafka.signals")
            let once = SignalOnce(continuation)
            for number in [SIGTERM, SIGINT] {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
                source.setEventHandler { once.fire(number) }
                source.resume()
                once.keep(source)
            }
        }
    }
}

/// Resumes the waiting continuation for the first signal only, and keeps the sources alive.
private final class SignalOnce: @unchecked Sendable {
    private var continuation: CheckedContinuation<Int32, Never>?
    private var sources: [any DispatchSourceSignal] = []
    private let lock = NSLock()

    init(_ continuation: CheckedContinuation<Int32, Never>) {
        self.continuation = continuation
    }

    func keep(_ source: any DispatchSourceSignal) {
        lock.withLock { sources.append(source) }
    }

    func fire(_ number: Int32) {
        let pending = lock.withLock { () -> CheckedContinuation<Int32, Never>? in
            defer { continuation = nil }
            return continuation
        }
        pending?.resume(returning: number)
    }
}
