import Kafka
import Testing

/// Recovery from injected broker faults: request errors and a broker going down and up.
@Suite("Broker faults", .timeLimit(.minutes(2)))
struct BrokerFaultTests {
    @Test("consumption survives fetch errors and a broker outage, losing and repeating nothing")
    func consumptionRecovers() async throws {
        let topic = uniqueName("faults")
        let kafka = try KafkaTestCluster(brokers: 3, topics: [topic: 4])
        try await kafka.produce(topic, count: 200, prefix: "first")
        let consumer = try kafka.consumer(group: uniqueName("g"))
        try consumer.assign((0..<4).map { KafkaTopicPartitionOffset(topic: topic, partition: $0, offset: KafkaOffset.beginning) })
        kafka.cluster.pushRequestErrors(.fetch, [.notLeaderForPartition, .leaderNotAvailable, .requestTimedOut, .unknownTopicOrPartition])
        let loop = ConsumerLoop(consumer)
        loop.start()
        try await eventually("some messages arrived") { loop.received.count >= 50 }
        try kafka.cluster.setBrokerDown(2)
        try await Task.sleep(for: .seconds(1))
        try kafka.cluster.setBrokerUp(2)
        try await kafka.produce(topic, count: 200, prefix: "second")
        try await eventually("all 400 messages arrived") { loop.received.count >= 400 }
        try await Task.sleep(for: .milliseconds(300))
        await loop.stop()
        let values = loop.values
        #expect(values.count == 400, "no message repeated")
        #expect(Set(values).count == 400, "no message lost")
        for partition in Int32(0)..<4 {
            let offsets = loop.received.filter { $0.message.partition == partition }.map(\.message.offset)
            #expect(offsets == Array(0..<Int64(offsets.count)), "partition \(partition) in order without gaps")
        }
    }

    @Test("a commit retried through coordinator errors succeeds; an injected generation error fences")
    func commitThroughCoordinatorErrors() async throws {
        let topic = uniqueName("commit-faults")
        let kafka = try KafkaTestCluster(brokers: 3, topics: [topic: 1])
        try await kafka.produce(topic, count: 10)
        let consumer = try kafka.consumer(group: uniqueName("g"))
        let partition = KafkaTopicPartition(topic: topic, partition: 0)
        try consumer.assign([KafkaTopicPartitionOffset(partition, offset: 0)])
        kafka.cluster.pushRequestErrors(.offsetCommit, [.coordinatorLoadInProgress, .requestTimedOut])
        try await consumer.commit([KafkaTopicPartitionOffset(partition, offset: 4, metadata: "b1")])
        #expect(try await consumer.committed([partition], timeout: .seconds(5)) == [KafkaTopicPartitionOffset(partition, offset: 4, metadata: "b1")])

        kafka.cluster.pushRequestErrors(.offsetCommit, [.illegalGeneration])
        let fenced = await #expect(throws: KafkaError.self) {
            try await consumer.commit([KafkaTopicPartitionOffset(partition, offset: 9, metadata: "b2")])
        }
        #expect(fenced?.code == .illegalGeneration)
        #expect(fenced?.isFencing == true)
        // The refused commit changed nothing.
        #expect(try await consumer.committed([partition], timeout: .seconds(5)) == [KafkaTopicPartitionOffset(partition, offset: 4, metadata: "b1")])
        try await consumer.close()
    }
}
