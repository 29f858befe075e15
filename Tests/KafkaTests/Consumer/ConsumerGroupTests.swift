import Foundation
import Kafka
import Synchronization
import Testing

/// Consumer groups on librdkafka's mock cluster: partition split and handover, the revoke
/// handler's ordering guarantee, and fencing of a member that lost its partitions.
@Suite("Consumer groups", .timeLimit(.minutes(2)))
struct ConsumerGroupTests {
    @Test("two members split the partitions; the one leaving hands its partitions over")
    func splitAndHandover() async throws {
        let topic = uniqueName("split")
        let group = uniqueName("g")
        let kafka = try KafkaTestCluster(topics: [topic: 6])
        try await kafka.produce(topic, count: 60)
        let first = ConsumerLoop(try kafka.consumer(group: group))
        let second = ConsumerLoop(try kafka.consumer(group: group))
        try first.start(subscribing: [topic])
        try await eventually("the first member owns everything") { first.consumer.ownedPartitions.count == 6 }
        try second.start(subscribing: [topic])
        try await eventually("both members own partitions") {
            let (a, b) = (first.consumer.ownedPartitions, second.consumer.ownedPartitions)
            return !a.isEmpty && !b.isEmpty && a.count + b.count == 6 && a.isDisjoint(with: b)
        }
        let secondsShare = second.consumer.ownedPartitions
        await second.stop()
        try await eventually("the remaining member owns everything again") { first.consumer.ownedPartitions.count == 6 }
        // The leaving member's last event revoked exactly what it owned.
        let last = try #require(second.rebalances.last)
        #expect(last.event == .revoking(secondsShare.sorted()))
        // Nothing was lost: every message reached one member or the other.
        try await eventually("all 60 messages consumed") { Set(first.values + second.values).count == 60 }
        await first.stop()
        #expect(first.errors.isEmpty && second.errors.isEmpty, "\(first.errors) \(second.errors)")
    }

    @Test(
        "a member keeping partitions while another joins is never asked to revoke them (cooperative-sticky, the default); an eager assignor revokes everything (control)",
        arguments: ["", "roundrobin"])
    func keptPartitionsAreNotRevoked(assignor: String) async throws {
        let topic = uniqueName("sticky")
        let group = uniqueName("g")
        let kafka = try KafkaTestCluster(topics: [topic: 6])
        let configure = { (configuration: inout KafkaConsumerConfiguration) in
            if !assignor.isEmpty { configuration.partitionAssignmentStrategy = assignor }
        }
        let stays = ConsumerLoop(try kafka.consumer(group: group, configure: configure))
        let joins = ConsumerLoop(try kafka.consumer(group: group, configure: configure))
        try stays.start(subscribing: [topic])
        try await eventually("the first member owns everything") { stays.consumer.ownedPartitions.count == 6 }
        try joins.start(subscribing: [topic])
        try await eventually("both members own partitions") {
            let (a, b) = (stays.consumer.ownedPartitions, joins.consumer.ownedPartitions)
            return !a.isEmpty && !b.isEmpty && a.count + b.count == 6 && a.isDisjoint(with: b)
        }
        let kept = stays.consumer.ownedPartitions
        let revoked = Set(stays.rebalances.flatMap { rebalance -> [KafkaTopicPartition] in
            if case .revoking(let partitions) = rebalance.event { partitions } else { [] }
        })
        await joins.stop()
        await stays.stop()
        #expect(!revoked.isEmpty, "the partitions that moved were revoked")
        if assignor.isEmpty {
            #expect(revoked.isDisjoint(with: kept), "kept \(kept.sorted()) yet revoked \(revoked.sorted())")
        } else {
            #expect(!revoked.isDisjoint(with: kept), "the eager control revoked only \(revoked.sorted())")
        }
    }

    @Test("the new owner sees nothing of a moved partition before the old owner's revoke handler finished")
    func revokeBeforeMove() async throws {
        let topic = uniqueName("revoke")
        let group = uniqueName("g")
        let kafka = try KafkaTestCluster(topics: [topic: 6])
        let commits = Mutex<[KafkaTopicPartition: Int64]>([:])
        let handlerFinished = Mutex<[KafkaTopicPartition: ContinuousClock.Instant]>([:])
        // A commit refused by the coordinator (fencing: the group moved on, which happens on a
        // loaded machine when a member misses the mock's sync deadline) is correct behaviour:
        // the new owner then re-reads from the previous commit. Anything else is a bug.
        let failures = Mutex<[KafkaError]>([])
        // The old owner commits what it processed of the revoked partitions, slowly.
        let old = ConsumerLoop(try kafka.consumer(group: group) { $0.sessionTimeoutMs = 5_000 }) { loop, event in
            guard case .revoking(let partitions) = event else { return }
            Thread.sleep(forTimeInterval: 0.5)
            do {
                let processed = loop.processedOffsets(partitions)
                try loop.consumer.commit(processed)
                commits.withLock { for entry in processed { $0[entry.topicPartition] = entry.offset } }
            } catch {
                let refusal = error as? KafkaError ?? KafkaError(.failure, "\(error)")
                failures.withLock { $0.append(refusal) }
            }
            let now = ContinuousClock.now
            handlerFinished.withLock { finished in
                for partition in partitions where finished[partition] == nil { finished[partition] = now }
            }
        }
        try old.start(subscribing: [topic])
        try await kafka.produce(topic, count: 60, prefix: "before")
        try await eventually("the old owner consumed the first 60") { old.received.count == 60 }
        // Keep producing while the newcomer joins, so the old owner is busy when revoked.
        let producing = Task {
            for round in 0..<30 {
                try await kafka.produce(topic, count: 10, prefix: "during-\(round)")
                try await Task.sleep(for: .milliseconds(150))
            }
        }
        let newcomer = ConsumerLoop(try kafka.consumer(group: group) { $0.sessionTimeoutMs = 5_000 })
        try newcomer.start(subscribing: [topic])
        try await producing.value
        try await eventually("all 360 messages consumed") { Set(old.values + newcomer.values).count == 360 }
        // The old owner leaves first: its final revoke (and commit) happens in a stable group.
        await old.stop()
        await newcomer.stop()

        let refused = failures.withLock { $0 }
        #expect(refused.allSatisfy { $0.isFencing }, "\(refused)")
        let finished = handlerFinished.withLock { $0 }
        let committed = commits.withLock { $0 }
        let moved = Set(newcomer.received.map(\.message.topicPartition))
        #expect(!moved.isEmpty)
        for partition in moved {
            let first = try #require(newcomer.received.first { $0.message.topicPartition == partition })
            let revoked = try #require(finished[partition], "\(partition) moved without a revoke")
            #expect(first.at > revoked, "the newcomer read \(partition) before the revoke handler returned")
            #expect(first.message.offset == committed[partition] ?? 0, "the newcomer starts \(partition) at the committed offset")
        }
        // Exactly once across the handover when the commits went through: the committed
        // offsets split the partitions. Otherwise at least once, and nothing lost.
        if refused.isEmpty {
            #expect(old.values.count + newcomer.values.count == 360)
        }
        #expect(Set(old.values + newcomer.values).count == 360)
    }

    @Test("a member that stopped polling is fenced: its commit is refused and its partitions reported lost")
    func fencedCommitRejected() async throws {
        let topic = uniqueName("fence")
        let group = uniqueName("g")
        let kafka = try KafkaTestCluster(topics: [topic: 4])
        try await kafka.produce(topic, count: 40)
        let zombie = try kafka.consumer(group: group) { $0.maxPollIntervalMs = 4_000 }
        let events = Mutex<[KafkaRebalanceEvent]>([])
        zombie.setRebalanceHandler { event in events.withLock { $0.append(event) } }
        // The zombie joins and reads, then stalls (as a worker stuck in a long upload).
        let read = try await onDedicatedThread { () throws -> Int in
            try zombie.subscribe([topic])
            var count = 0
            let deadline = ContinuousClock.now + .seconds(20)
            while count < 40 && ContinuousClock.now < deadline {
                count += try zombie.poll(timeout: .milliseconds(100)) { _ in }.messageCount
            }
            return count
        }
        #expect(read == 40)
        let stale = try zombie.position(zombie.ownedPartitions.sorted())
        let successor = ConsumerLoop(try kafka.consumer(group: group))
        try successor.start(subscribing: [topic])
        try await eventually("the successor took every partition") { successor.consumer.ownedPartitions.count == 4 }

        // The zombie has not polled, so it still believes it owns its partitions...
        #expect(zombie.ownedPartitions.count == 4)
        // ...but its commit is refused: it left the group when its poll interval passed.
        let refused = await #expect(throws: KafkaError.self) { try await zombie.commit(stale) }
        #expect(refused?.isFencing == true, "\(String(describing: refused))")

        // Its next poll reports the loss; afterwards commits are refused before any request.
        _ = try await onDedicatedThread { try zombie.poll(timeout: .milliseconds(500)) { _ in } }
        let seen = events.withLock { $0 }
        #expect(seen.contains(.lost(stale.map(\.topicPartition))), "\(seen)")
        #expect(zombie.ownedPartitions.isEmpty, "\(seen)")
        let local = try await #require(throws: KafkaError.self) { try await zombie.commit(stale) }
        #expect(local.code == .assignmentLost && local.isFencing)
        await successor.stop()
        try await zombie.close()
    }
}
