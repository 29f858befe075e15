import Foundation
import Kafka
import Logging
import Synchronization
import Testing

/// A rebalance is logged once, by the application that acts on it (the worker's telemetry logs
/// "partitions assigned"/"revoked"/"lost" at info); the Kafka layer keeps its own line at debug,
/// so an operator reading info logs does not see each rebalance twice.
@Suite("Rebalance logging", .timeLimit(.minutes(2)))
struct RebalanceLoggingTests {
    /// Records every line at or above the logger's level, except librdkafka's own log lines
    /// (forwarded with a `librdkafka.facility` entry): those are librdkafka's, not Millrace's.
    final class Lines: Sendable {
        let state = Mutex<[(Logger.Level, String)]>([])
    }

    struct Capture: LogHandler {
        let lines: Lines
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            guard event.metadata?["librdkafka.facility"] == nil else { return }
            lines.state.withLock { $0.append((event.level, event.message.description)) }
        }
    }

    @Test("the consumer's handler sees the assignment; the Kafka layer writes no info line about it")
    func assignmentLoggedByTheApplicationOnly() async throws {
        let topic = uniqueName("logged")
        let kafka = try KafkaTestCluster(topics: [topic: 2])
        let lines = Lines()
        let handler = Capture(lines: lines)
        let logger = Logger(label: "millrace.kafka.capture", factory: { _ in handler })
        let consumer = try KafkaConsumer(configuration: kafka.consumerConfiguration(group: uniqueName("g")), logger: logger)
        let loop = ConsumerLoop(consumer)
        try loop.start(subscribing: [topic])
        try await eventually("the member owns both partitions") { consumer.ownedPartitions.count == 2 }
        await loop.stop()
        #expect(loop.rebalances.contains { if case .assigned = $0.event { true } else { false } })
        let infoLines = lines.state.withLock { $0 }.filter { $0.0 >= .info }.map(\.1)
        #expect(!infoLines.contains { $0.lowercased().contains("rebalance") }, "\(infoLines)")
    }
}
