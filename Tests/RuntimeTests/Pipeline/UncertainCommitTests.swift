import Engine
import Foundation
import Kafka
import LoadGen
import Logging
import MillraceTesting
import Runtime
import Staging
import Synchronization
import Testing

/// Offset commits whose outcome the worker cannot see (issue 12, hole 1), end to end on the
/// mock cluster: the coordinator stores a commit and answers after the client's
/// `socket.timeout.ms`, then answers the retry as it answers a member after a rebalance
/// (`MockCluster.pushRequestErrors(broker:…)`). The faults are pushed from the crash hook at
/// `afterReadyRecord`, the moment right before the fence, so they hit exactly that commit.
@Suite("Uncertain offset commits", .serialized)
struct UncertainCommitTests {
    /// A configuration for `group`; with `impatient`, the client gives up on an answer after 2 s.
    ///
    /// Only a single worker that never restarts after a crash may be impatient: librdkafka
    /// bounds a SyncGroup request by `socket.timeout.ms` too and retries it on the same
    /// connection, and librdkafka 2.0.2's mock aborts the process on a member's second SyncGroup
    /// while its first waits for a member that crashed (`rd_kafka_mock_cgrp_member_sync_set`:
    /// `Assertion !member->resp`).
    private func configuration(_ fixture: PipelineFixture, group: String, impatient: Bool = false) -> WorkerConfiguration {
        var configuration = fixture.configuration(group: group)
        configuration.pipeline.maxBatchRows = 400
        if impatient { configuration.kafka.properties["socket.timeout.ms"] = "2000" }
        return configuration
    }

    @Test("an offset commit that timed out after it was stored, then refused: no record lost, none doubled")
    func timedOutCommitLanded() async throws {
        let fixture = try PipelineFixture(partitions: 2)
        try await fixture.produce(count: 1600, seed: 41)
        let configuration = configuration(fixture, group: "landed", impatient: true)
        let pushed = Atomic<Bool>(false)
        let cluster = fixture.cluster
        try await fixture.runUntilDrained(configuration) { point in
            // The second batch's commit: stored at once, answered after 5 s; the retry refused.
            guard point == .afterReadyRecord, !pushed.exchange(true, ordering: .relaxed) else { return }
            try cluster.pushRequestErrors(broker: 1, .offsetCommit, [(.noError, 5_000), (.illegalGeneration, 0)])
        }
        let faulted = pushed.load(ordering: .relaxed)
        #expect(faulted, "the faults were never pushed")
        try await fixture.sweepLeftovers(configuration)
        await #expect(try fixture.exactlyOnceViolations() == [])
        #expect(try fixture.orphans() == [])
    }

    @Test("a crash right after an uncertain commit was kept: the restart recovers from Kafka, nothing lost or doubled")
    func crashAfterUncertainFence() async throws {
        let fixture = try PipelineFixture(partitions: 2)
        try await fixture.produce(count: 1600, seed: 42)
        let configuration = configuration(fixture, group: "uncertain-crash")
        let cluster = fixture.cluster
        let pushed = Atomic<Bool>(false)
        await #expect(throws: SimulatedCrash.self) {
            try await fixture.runUntilDrained(configuration) { point in
                switch point {
                case .afterReadyRecord where !pushed.exchange(true, ordering: .relaxed):
                    // The connection drops as the request arrives (the mock does not store it),
                    // and librdkafka's retry is refused: the worker cannot tell.
                    try cluster.pushRequestErrors(broker: 1, .offsetCommit, [(.transport, 0), (.illegalGeneration, 0)])
                case .afterUncertainFence:
                    throw SimulatedCrash(at: point)
                default:
                    break
                }
            }
        }
        let faulted = pushed.load(ordering: .relaxed)
        #expect(faulted, "the faults were never pushed")
        try await fixture.runUntilDrained(configuration, clock: PipelineFixture.wallClockAhead(hours: 1))
        await #expect(try fixture.exactlyOnceViolations() == [])
        #expect(try fixture.orphans() == [])
    }

    @Test("a new owner that finds a batch in Kafka with no record raises an alert (an error log), never a silent skip")
    func unrecordedBatchAlerts() async throws {
        let fixture = try PipelineFixture(partitions: 1)
        try await fixture.produce(count: 200, seed: 43)
        let configuration = configuration(fixture, group: "unrecorded")
        // A batch Kafka names, whose records are gone from the staging store.
        let missing = BatchID(createdAtMillis: 1_795_628_520_000, random: 0xdead)
        let topic = "postgres.eav.entity_values_ts"
        let committer = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(bootstrapServers: fixture.cluster.bootstrapServers, groupID: "unrecorded"),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        try await committer.assign([KafkaTopicPartitionOffset(topic: topic, partition: 0, offset: 0)])
        try await committer.commit([KafkaTopicPartitionOffset(topic: topic, partition: 0, offset: 5, metadata: missing.rawValue)])
        try await committer.close()

        let lines = LogLines()
        var options = WorkerOptions()
        options.dryRun = true
        options.outputDirectory = fixture.output.url.path
        options.stopWhenDrained = true
        options.servesHealth = false
        try await Worker.run(configuration, options: options, logger: Logger(label: "test") { _ in LogLines.Handler(lines: lines) })
        let alerts = lines.all.filter { $0.level == .error && $0.text.contains(missing.rawValue) }
        #expect(alerts.count == 1, "error logs: \(lines.all.filter { $0.level >= .warning })")
    }
}

/// Log lines a worker wrote, with their levels.
final class LogLines: Sendable {
    private let storage = Mutex<[(level: Logger.Level, text: String)]>([])

    var all: [(level: Logger.Level, text: String)] { storage.withLock { $0 } }

    /// Captures every line at every level into `lines`.
    struct Handler: LogHandler {
        let lines: LogLines
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            lines.storage.withLock { $0.append((event.level, "\(event.message) \(merged)")) }
        }
    }
}
