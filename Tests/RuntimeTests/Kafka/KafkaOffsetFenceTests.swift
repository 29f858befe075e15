import Engine
import Foundation
import Kafka
import Logging
import MillraceTesting
import Retry
@testable import Runtime
import Staging
import Testing

/// The group fence against offset commits whose outcome the client cannot see (issue 12,
/// hole 1), on librdkafka's mock cluster: the coordinator stores a commit but its answer comes
/// after `socket.timeout.ms` (`MockCluster.pushRequestErrors(broker:…)` with `.noError` and a
/// delay), then answers the retry as a coordinator answers a member after a rebalance.
@Suite("Kafka offset fence", .serialized, .timeLimit(.minutes(3)))
struct KafkaOffsetFenceTests {
    private static let topic = "fence-t"
    private static let partition = SourcePartition(topic: topic, partition: 0)
    private let layout = StagingLayout()

    /// A consumer of `group` subscribed to the topic, polled until it owns the partition; an
    /// `impatient` one gives up on an answer after 1 s (shorter than the delayed answer below,
    /// so the first attempt times out on the client). Only a member alone in its group may be
    /// impatient: see `UncertainCommitTests.configuration`.
    private func member(_ cluster: MockCluster, group: String, impatient: Bool = false) throws -> KafkaConsumer {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: cluster.bootstrapServers, groupID: group)
        configuration.sessionTimeoutMs = 6_000
        configuration.heartbeatIntervalMs = 500
        if impatient { configuration.connection.properties["socket.timeout.ms"] = "1000" }
        let consumer = try KafkaConsumer(configuration: configuration, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        try consumer.subscribe([Self.topic])
        let deadline = Date().addingTimeInterval(60)
        let target = KafkaTopicPartition(topic: Self.topic, partition: 0)
        while !consumer.owns(target) {
            guard Date() < deadline else { throw WaitTimedOut(what: "the partition's assignment", seconds: 60) }
            _ = try consumer.poll(maxMessages: 10, timeout: .milliseconds(100)) { _ in }
        }
        return consumer
    }

    /// A fence over `consumer` whose retries do not sleep.
    private func fence(_ consumer: KafkaConsumer) -> KafkaOffsetFence {
        KafkaOffsetFence(consumer: consumer, retry: RetryPolicy(sleep: { _ in }), telemetry: nil)
    }

    @Test("a commit that timed out after it landed, then a fencing answer: the batch is committed, and the next owner finds it")
    func timedOutCommitLanded() throws {
        let cluster = try MockCluster(brokers: 1, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        try cluster.createTopic(Self.topic, partitions: 1)
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let store = try LocalStagingStore(root: folder.url)
        let owner = try member(cluster, group: "landed", impatient: true)
        let committer = StagingCommitter(store: store, fence: fence(owner), layout: layout)
        let record = try stage(committer, store)

        // The coordinator stores the commit and answers after 3 s; the client gives up after
        // 1 s and asks again; the coordinator's generation has moved on by then.
        try cluster.pushRequestErrors(broker: 1, .offsetCommit, [(.noError, 3_000), (.illegalGeneration, 0)])
        let outcome = Result { try committer.commit(record) }
        #expect((try? outcome.get())?.state == .committed, "outcome: \(outcome)")
        try owner.close()

        // Kafka holds the batch; its rows must still be there for whoever owns the partition next.
        let next = try member(cluster, group: "landed")
        defer { try? next.close() }
        let recovery = try StagingCommitter(store: store, fence: fence(next), layout: layout).recover([Self.partition])
        #expect(recovery.unrecorded.isEmpty, "the next owner found the batch in Kafka with no record: its rows are lost")
        #expect(try fence(next).committed([Self.partition])[Self.partition]?.metadata == record.batchID.rawValue)
        #expect(try store.record(layout.commitKey(record.batchID))?.files == record.files)
        #expect(try store.get(record.files[0].key) != nil, "the rows of a batch Kafka holds were deleted")
    }

    @Test("a commit that may have reached the coordinator and is not read back is kept, never deleted; the sweep decides later")
    func uncertainCommitKept() throws {
        let cluster = try MockCluster(brokers: 1, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        try cluster.createTopic(Self.topic, partitions: 1)
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let store = try LocalStagingStore(root: folder.url)
        let owner = try member(cluster, group: "uncertain")
        defer { try? owner.close() }
        let committer = StagingCommitter(store: store, fence: fence(owner), layout: layout)
        let record = try stage(committer, store)

        // The connection drops when the request arrives (the mock then does not store it), and
        // the retry is refused: the client cannot tell whether the first attempt was applied.
        try cluster.pushRequestErrors(broker: 1, .offsetCommit, [(.transport, 0), (.illegalGeneration, 0)])
        #expect(CommitFixtures.code { _ = try committer.commit(record) } == .commitOutcomeUnknown)
        #expect(try store.record(layout.pendingKey(record.batchID))?.state == .ready)
        #expect(try store.get(record.files[0].key) != nil, "a batch that may be committed was deleted")

        // Once its grace has passed, the sweep reads Kafka: it does not name the batch.
        let swept = try committer.sweep(nowMillis: record.batchID.createdAtMillis + 60_000, graceMillis: 1_000)
        #expect(swept.abandoned == [record.batchID])
        #expect(try store.list(prefix: "").isEmpty)
    }

    @Test("no attempt starts once the batch is too old; an attempt that may have landed is resolved by reading Kafka")
    func deadlineStopsAttempts() throws {
        let cluster = try MockCluster(brokers: 1, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        try cluster.createTopic(Self.topic, partitions: 1)
        let owner = try member(cluster, group: "deadline")
        defer { try? owner.close() }
        let offsets = [Self.partition: Int64(10)]
        #expect(CommitFixtures.code { try fence(owner).commit(offsets, metadata: "never") { false } } == .expired)
        #expect(try fence(owner).committed([Self.partition]).isEmpty, "an attempt started past the deadline")

        // The first attempt is refused as retriable; the deadline passes before the retry.
        // THROTTLING_QUOTA_EXCEEDED: librdkafka does not retry it itself (rd_kafka_err_action: permanent), the fence does.
        cluster.pushRequestErrors(.offsetCommit, [.throttlingQuotaExceeded])
        var asked = 0
        let code = CommitFixtures.code {
            try fence(owner).commit(offsets, metadata: "late") {
                asked += 1
                return asked == 1
            }
        }
        #expect(asked == 2, "the fence did not ask before its retry")
        #expect(code == .commitOutcomeUnknown)
        #expect(try fence(owner).committed([Self.partition]).isEmpty)
    }

    /// Begins a batch over offsets 0..<10 and writes one data file.
    private func stage(_ committer: StagingCommitter, _ store: any StagingStore) throws -> CommitRecord {
        let batch = BatchID(createdAtMillis: PipelineClock.system.wallMillis(), random: UInt64.random(in: 0...UInt64.max))
        var record = CommitRecord(
            batchID: batch, state: .writing, worker: "test",
            sources: [SourceRange(source: Self.partition, startOffset: 0, endOffset: 10, records: 10)],
            plannedPrefixes: ["staging/t/\(batch.rawValue)-"])
        try committer.begin(record)
        let key = "staging/t/\(batch.rawValue)-0.parquet"
        try store.put(key, data: Array("rows".utf8))
        record.files = [StagedFile(key: key, table: "t", schemaVersion: 1, hour: "2026-11-21T00", rows: 10, bytes: 4)]
        return record
    }
}

/// The `EngineError` code `body` throws, or nil when it throws nothing (or another error).
private enum CommitFixtures {
    static func code(of body: () throws -> Void) -> EngineError.Code? {
        do {
            try body()
            return nil
        } catch {
            return (error as? EngineError)?.code
        }
    }
}
