import Engine
import Foundation
import LoadGen
import Logging
import MillraceTesting
import Runtime
import Staging
import Synchronization
import Testing

/// Several workers in one consumer group: partitions move between them, and still every record
/// is in exactly one committed file.
@Suite("Scale-out and fencing", .serialized)
struct RebalanceTests {
    @Test("a worker joins, one leaves mid-stream, another joins: the union of commits holds each record once")
    func joinLeaveJoin() async throws {
        let fixture = try PipelineFixture(partitions: 6)
        var configuration = fixture.configuration(group: "rebalance")
        configuration.pipeline.maxBatchRows = 200
        configuration.pipeline.window = ConfigDuration(milliseconds: 500)

        let commits = Mutex<[String: Int]>([:])
        let count = { (name: String) in { @Sendable (_: CommitRecord) in commits.withLock { $0[name, default: 0] += 1 } } }
        // Traffic keeps flowing (about 20 s of it) while workers join and leave.
        let producer = Task { try await fixture.produce(count: 8000, seed: 21, perSecond: 400) { $0.duplicateRate = 0.03 } }
        let first = fixture.start(configuration, untilDrained: false, onCommit: count("a"))
        // Generous waits: the whole suite starts at once, and on a loaded 2-core machine a
        // worker's start (dimensions, the mock's 3 s group join) took over a minute.
        try await waitUntil(180, "two commits of the first worker") { commits.withLock { $0["a", default: 0] >= 2 } }
        let second = fixture.start(configuration, untilDrained: false, onCommit: count("b"))
        try await waitUntil(180, "two commits of the second worker") { commits.withLock { $0["b", default: 0] >= 2 } }
        first.cancel()
        try await first.value
        let third = fixture.start(configuration, untilDrained: false, onCommit: count("c"))
        try await waitUntil(180, "a commit of the third worker") { commits.withLock { $0["c", default: 0] >= 1 } }
        try await producer.value
        try await waitUntil(240, "every record committed") { fixture.isFullyCommitted() }
        second.cancel()
        third.cancel()
        try await second.value
        try await third.value
        try await fixture.sweepLeftovers(configuration)

        await #expect(try fixture.exactlyOnceViolations() == [])
        #expect(try fixture.orphans() == [])
    }

    @Test("two workers in one group each export the lag of their own partitions, from librdkafka's statistics; one stops, the other exports them all")
    func lagSeries() async throws {
        let fixture = try PipelineFixture(partitions: 6)
        try await fixture.produce(count: 2000, seed: 41)
        var configuration = fixture.configuration(group: "lag")
        configuration.kafka.properties["statistics.interval.ms"] = "1000"
        let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        let telemetries = [Telemetry(logger: quiet), Telemetry(logger: quiet)]
        /// The partitions each worker exports a lag series for.
        func exported(_ telemetry: Telemetry) -> Set<Int> {
            let text = String(decoding: telemetry.exposition(), as: UTF8.self)
            return Set(text.split(separator: "\n").filter { $0.hasPrefix("millrace_consumer_lag_messages{") }.compactMap { line in
                line.split(separator: "partition=\"").last?.split(separator: "\"").first.flatMap { Int($0) }
            })
        }
        let first = fixture.start(configuration, untilDrained: false, telemetry: telemetries[0])
        let second = fixture.start(configuration, untilDrained: false, telemetry: telemetries[1])
        try await waitUntil(120, "both workers export the lag of their own partitions, all six between them") {
            let (a, b) = (exported(telemetries[0]), exported(telemetries[1]))
            return !a.isEmpty && !b.isEmpty && a.isDisjoint(with: b) && a.union(b) == Set(0..<6)
        }
        #expect(String(decoding: telemetries[0].exposition(), as: UTF8.self).contains("millrace_consumer_lag_last_success_timestamp_seconds"))
        first.cancel()
        try await first.value
        #expect(exported(telemetries[0]).isEmpty, "a stopped worker's revoked partitions keep their lag series")
        try await waitUntil(120, "the remaining worker exports all six") { exported(telemetries[1]) == Set(0..<6) }
        second.cancel()
        try await second.value
    }

    @Test("readiness: with more workers than partitions, the idle one is ready too (idle by design); a stopped worker is not")
    func idleByDesignIsReady() async throws {
        // One partition, two workers: one of them is assigned nothing, by design.
        let fixture = try PipelineFixture(partitions: 1)
        try await fixture.produce(count: 200, seed: 43)
        var configuration = fixture.configuration(group: "ready")
        configuration.kafka.topics = ["postgres.eav.entity_values_ts"]
        let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        let telemetries = (0..<2).map { _ in Telemetry(logger: quiet) }
        let workers = telemetries.map { fixture.start(configuration, untilDrained: false, telemetry: $0) }
        try await waitUntil(120, "both workers ready, one of them with nothing assigned") { telemetries.allSatisfy(\.isReady) }
        // Stopping in the middle of the group's rebalances may leave a batch whose commit Kafka
        // answered uncertainly (the worker then says so and its records are read again): only
        // readiness is checked here; exactly-once under churn is RebalanceTests' subject.
        for worker in workers { worker.cancel() }
        for worker in workers { _ = try? await worker.value }
        #expect(telemetries.allSatisfy { !$0.isReady })
    }

    @Test("a worker that stalls past max.poll.interval.ms is fenced: its late commit is refused")
    func zombieIsFenced() async throws {
        let fixture = try PipelineFixture(partitions: 4)
        try await fixture.produce(count: 3000, seed: 31)
        var configuration = fixture.configuration(group: "zombie")
        configuration.pipeline.maxBatchRows = 400
        configuration.kafka.properties["max.poll.interval.ms"] = "6000"

        // The zombie stalls once, after writing its ready record and before its fence commit,
        // until the healthy worker has committed a batch: the group hands partitions to it
        // only once the zombie missed the rebalance for max.poll.interval.ms and was removed.
        // A condition, not a time, so a loaded machine's slow timers cannot end the stall early.
        let stalledBatch = Mutex<String?>(nil)
        let healthyCommits = Atomic<Int>(0)
        let store = try LocalStagingStore(root: fixture.output.url)
        let zombie = fixture.start(configuration, untilDrained: false, crashHook: { point in
            guard point == .afterReadyRecord, stalledBatch.withLock({ $0 == nil }) else { return }
            let pending = (try? store.list(prefix: StagingLayout.pendingPrefix).last?.key) ?? "?"
            stalledBatch.withLock { $0 = pending }
            let deadline = Date().addingTimeInterval(120)
            while healthyCommits.load(ordering: .relaxed) == 0 && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        })
        try await waitUntil(30, "the zombie to stall") { stalledBatch.withLock { $0 != nil } }
        let healthy = fixture.start(configuration, untilDrained: false, onCommit: { _ in healthyCommits.add(1, ordering: .relaxed) })
        // Both keep running until every partition's records are committed, whoever owns it.
        try await waitUntil(240, "every record committed") { fixture.isFullyCommitted() }
        healthy.cancel()
        zombie.cancel()
        try await healthy.value
        try await zombie.value
        try await fixture.sweepLeftovers(configuration)

        let batch = try #require(stalledBatch.withLock { $0 }?.split(separator: "/").last?.split(separator: ".").first)
        let committed = try fixture.committedRecords().map(\.batchID.rawValue)
        #expect(!committed.contains(String(batch)), "the zombie's batch \(batch) was committed")
        let violations = try await fixture.exactlyOnceViolations()
        #expect(violations == [], "\(violations)")
        #expect(try fixture.orphans() == [])
    }
}
