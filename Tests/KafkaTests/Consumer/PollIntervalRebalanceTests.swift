import Foundation
import Kafka
import Synchronization
import Testing

/// A member that stops polling in the middle of a cooperative rebalance: librdkafka 2.0.2
/// leaves the group at `max.poll.interval.ms` without reporting the loss (the rebalance in
/// progress makes it skip the lost revoke) and rejoins as a new member still claiming those
/// partitions. The group must converge anyway: every partition owned by exactly one member and
/// consumed to its end.
///
/// The two stall lengths run one after the other, and the waits are generous: on a loaded 2-core
/// CI machine, with the rest of the suite running beside it, the group takes far longer to
/// settle than alone (about 20 s); what is asserted is convergence, not speed.
@Suite("Poll interval exceeded during a rebalance", .serialized, .timeLimit(.minutes(4)))
struct PollIntervalRebalanceTests {
    static let partitions = 8

    /// How long the first member stalls. Its poll interval (4 s) passes while it waits for its
    /// revoke call, and librdkafka leaves the group for it; 6 s: it rejoins before the group's
    /// next assignment (the mock waits session.timeout.ms - 1000 = 2.5 s after the leave) and
    /// claims the partitions it kept, which the assignor hands back to it as already owned;
    /// 9 s: the other member has taken every partition first, and the claim competes with that
    /// newer ownership. Both stalls outlast the poll interval by 2 s or more, so a loaded
    /// machine's librdkafka still notices the interval passed before the stall ends.
    @Test(
        "a member stalled past max.poll.interval.ms while a revoke is pending: every partition is owned and consumed",
        arguments: [6.0, 9.0])
    func stalledDuringRevokeConverges(stallSeconds: Double) async throws {
        let topic = uniqueName("stall")
        let group = uniqueName("g")
        let kafka = try KafkaTestCluster(topics: [topic: Self.partitions])
        let all = Set((0..<Int32(Self.partitions)).map { KafkaTopicPartition(topic: topic, partition: $0) })
        try await kafka.produce(topic, count: 400, prefix: "before")
        // The mock completes the second member's join after 2.5 s, so the first member is
        // waiting for its revoke call when its poll interval (4 s) passes.
        let configure = { (configuration: inout KafkaConsumerConfiguration) in configuration.maxPollIntervalMs = 4_000 }
        let stalled = ConsumerLoop(try kafka.consumer(group: group, configure: configure), commitsAfterPoll: true)
        let healthy = ConsumerLoop(try kafka.consumer(group: group, configure: configure), commitsAfterPoll: true)
        try stalled.start(subscribing: [topic])
        try await eventually("the first member owns everything and read it") {
            stalled.consumer.ownedPartitions == all && stalled.received.count == 400
        }
        let firstMember = try #require(stalled.consumer.memberID)

        // The first member stalls on its polling thread (a long flush) while the second joins.
        let stall = Task { try await stalled.perform { _ in Thread.sleep(forTimeInterval: stallSeconds) } }
        try await Task.sleep(for: .milliseconds(200))
        try healthy.start(subscribing: [topic])
        try await stall.value
        try await eventually("the first member rejoined as a new member", timeout: .seconds(60)) {
            stalled.consumer.memberID.map { $0 != firstMember } ?? false
        }
        try await kafka.produce(topic, count: 400, prefix: "after")

        try await eventually("every partition owned by exactly one member", timeout: .seconds(90)) {
            let (a, b) = (stalled.consumer.ownedPartitions, healthy.consumer.ownedPartitions)
            return a.isDisjoint(with: b) && a.union(b) == all
        }
        try await eventually("every partition consumed and committed to its end", timeout: .seconds(90)) {
            let lags = try await healthy.consumer.lag(all.sorted(), timeout: .seconds(5))
            return lags.count == Self.partitions && lags.allSatisfy { $0.lag == 0 }
        }
        let values = Set(stalled.values + healthy.values)
        #expect(values.count == 800, "\(800 - values.count) messages never consumed")

        // The scenario happened: the stalled member's partitions were reported lost, and no
        // commit of its old membership went through.
        let events = stalled.rebalances.map(\.event)
        #expect(events.contains { if case .lost = $0 { true } else { false } }, "\(events)")
        let refusals = stalled.refusedCommits + healthy.refusedCommits
        #expect(refusals.allSatisfy { $0.isFencing }, "\(refusals)")
        await stalled.stop()
        await healthy.stop()
        #expect(stalled.errors.isEmpty && healthy.errors.isEmpty, "\(stalled.errors) \(healthy.errors)")
    }
}
