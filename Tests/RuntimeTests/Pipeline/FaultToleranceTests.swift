import AWS
import Engine
import Foundation
import Kafka
import LoadGen
import Logging
import MillraceTesting
import Runtime
import Synchronization
import Testing

/// Faults injected under a running worker: S3 through `FaultProxy` (500, 503 SlowDown,
/// connection resets, stalls past the timeout, truncated responses) and Kafka through the mock
/// cluster (a broker down and up, request errors on fetch and offset commit). The worker must
/// retry, and the committed output must still hold every record exactly once.
@Suite("Fault tolerance", .serialized)
struct FaultToleranceTests {
    @Test("20 % of S3 requests faulted: every record still committed exactly once, no upload left behind")
    func s3Faults() async throws {
        let servers = try TestServers.require()
        let fixture = try PipelineFixture()
        try await fixture.produce(count: 1500, seed: 81)
        let proxy = try FaultProxy(.init(upstream: servers.s3Endpoint, faultRate: 0.2, seed: 5, stall: .seconds(2)))
        defer { proxy.stop() }
        let run = try await fixture.s3Run(servers, group: "s3-faults", endpoint: proxy.endpoint)
        let (client, bucket) = (run.client, run.bucket)
        var configuration = run.configuration
        configuration.pipeline.maxBatchRows = 400
        try await Worker.run(configuration, options: run.options, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))

        #expect(proxy.faults.values.reduce(0, +) > 5, "faults injected: \(proxy.faults)")
        try await fixture.mirror(client, bucket: bucket)
        await #expect(try fixture.exactlyOnceViolations() == [])
        #expect(try fixture.orphans() == [])
        #expect(try await client.listMultipartUploads(bucket: bucket).isEmpty)
    }

    @Test("a broker down and failing fetches and commits: the worker recovers and commits every record once")
    func kafkaFaults() async throws {
        let fixture = try PipelineFixture(partitions: 4, brokers: 3)
        try await fixture.produce(count: 3000, seed: 91)
        var configuration = fixture.configuration(group: "kafka-faults")
        configuration.pipeline.maxBatchRows = 300
        let commits = Atomic<Int>(0)
        let worker = fixture.start(configuration, untilDrained: false, onCommit: { _ in commits.add(1, ordering: .relaxed) })

        let deadline = Date().addingTimeInterval(60)
        while commits.load(ordering: .relaxed) < 2 && Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
        fixture.cluster.pushRequestErrors(.fetch, [.notLeaderForPartition, .requestTimedOut, .leaderNotAvailable])
        fixture.cluster.pushRequestErrors(.offsetCommit, [.requestTimedOut, .coordinatorNotAvailable, .notCoordinator])
        try fixture.cluster.setBrokerDown(2)
        try await Task.sleep(for: .seconds(3))
        try fixture.cluster.setBrokerUp(2)

        while !fixture.isFullyCommitted() && Date() < deadline.addingTimeInterval(60) { try await Task.sleep(for: .milliseconds(200)) }
        worker.cancel()
        try await worker.value
        try await fixture.sweepLeftovers(configuration)
        #expect(commits.load(ordering: .relaxed) > 2)
        await #expect(try fixture.exactlyOnceViolations() == [])
        #expect(try fixture.orphans() == [])
    }
}
