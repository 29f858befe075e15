import Kafka
import Synchronization
import Testing

/// Recovery from injected broker faults: request errors and a broker going down and up.
@Suite("Broker faults", .timeLimit(.minutes(2)))
struct BrokerFaultTests {
    /// Partitions 0 ..< 6, led by broker `partition % 3 + 1`: broker 2 leads 1 and 4.
    static let partitions = Int32(6)
    static let downedBroker = Int32(2)

    /// `count` records for `round`, two to each partition, so every leader gets some.
    static func records(_ topic: String, round: String, count: Int = 12) -> [KafkaProducerRecord] {
        (0..<count).map { index in
            KafkaProducerRecord(topic: topic, partition: Int32(index) % partitions, value: Array("\(round)-\(index)".utf8))
        }
    }

    @Test("consumption survives fetch errors and a 3 s broker outage during production, losing and repeating nothing")
    func consumptionRecovers() async throws {
        let topic = uniqueName("faults")
        let kafka = try KafkaTestCluster(brokers: 3, topics: [topic: Int(Self.partitions)])
        for partition in 0..<Self.partitions {
            try kafka.cluster.setPartitionLeader(topic: topic, partition: partition, broker: partition % 3 + 1)
        }
        let downed: Set<Int32> = [1, 4]
        let statistics = Mutex<[KafkaStatistics]>([])
        var configuration = kafka.consumerConfiguration(group: uniqueName("g"))
        configuration.connection.statisticsIntervalMs = 1_000
        let consumer = try KafkaConsumer(configuration: configuration, logger: KafkaTestCluster.logger) { sample in
            statistics.withLock { $0.append(sample) }
        }
        let producer = try kafka.producer()
        var expected = 0
        for report in try await producer.send(Self.records(topic, round: "before", count: 120)) { _ = try report.get() }
        expected += 120
        try await consumer.assign((0..<Self.partitions).map { KafkaTopicPartitionOffset(topic: topic, partition: $0, offset: KafkaOffset.beginning) })
        kafka.cluster.pushRequestErrors(.fetch, [.notLeaderForPartition, .leaderNotAvailable, .requestTimedOut, .unknownTopicOrPartition])
        let loop = ConsumerLoop(consumer)
        loop.start()
        try await eventually("the consumer is reading") { loop.received.count >= 12 }

        // Broker 2 goes down for 3 s while records keep coming for every partition: those for
        // its partitions wait in the producer until it is back.
        try kafka.cluster.setBrokerDown(Self.downedBroker)
        let downAt = ContinuousClock.now
        let sending = (0..<10).map { round in
            let records = Self.records(topic, round: "during-\(round)")
            return Task { try await producer.send(records) }
        }
        expected += 10 * 12
        try await eventually("records of the live brokers' partitions produced during the outage are consumed") {
            loop.received.contains { $0.at > downAt && !downed.contains($0.message.partition) && $0.message.value?.starts(with: Array("during".utf8)) == true }
        }
        try await Task.sleep(until: downAt + .seconds(3))
        try kafka.cluster.setBrokerUp(Self.downedBroker)
        let upAt = ContinuousClock.now
        for task in sending {
            for report in try await task.value { _ = try report.get() }
        }
        for report in try await producer.send(Self.records(topic, round: "after", count: 60)) { _ = try report.get() }
        expected += 60
        await producer.close()
        try await eventually("all \(expected) messages arrived") { loop.received.count >= expected }
        try await Task.sleep(for: .milliseconds(300))
        await loop.stop()

        // Every message exactly once, in order per partition.
        let values = loop.values
        #expect(values.count == expected, "no message repeated")
        #expect(Set(values).count == expected, "no message lost")
        for partition in 0..<Self.partitions {
            let offsets = loop.received.filter { $0.message.partition == partition }.map(\.message.offset)
            #expect(offsets == Array(0..<Int64(offsets.count)), "partition \(partition) in order without gaps")
        }
        // The outage was hit: the records produced meanwhile for broker 2's partitions arrived
        // only after it was back, and the consumer was told (error callback and statistics).
        let lateDuring = loop.received.filter { downed.contains($0.message.partition) && $0.message.value?.starts(with: Array("during".utf8)) == true }
        #expect(lateDuring.count == 10 * 4 && lateDuring.allSatisfy { $0.at > upAt }, "\(lateDuring.count)")
        let reported = loop.reportedErrors
        #expect(reported.contains { $0.code == .transport || $0.code == .allBrokersDown }, "no broker error reported: \(reported)")
        let samples = statistics.withLock { $0 }
        let downedStates = samples.compactMap { $0.brokers.first { $0.nodeID == Self.downedBroker } }
        #expect(downedStates.contains { $0.state != "UP" }, "statistics never showed broker 2 down: \(downedStates.map(\.state))")
        #expect((downedStates.last?.disconnects ?? 0) >= 1)
        #expect(loop.errors.isEmpty, "\(loop.errors)")
    }

    @Test("a commit retried through coordinator errors succeeds; an injected generation error fences")
    func commitThroughCoordinatorErrors() async throws {
        let topic = uniqueName("commit-faults")
        let kafka = try KafkaTestCluster(brokers: 3, topics: [topic: 1])
        try await kafka.produce(topic, count: 10)
        let consumer = try kafka.consumer(group: uniqueName("g"))
        let partition = KafkaTopicPartition(topic: topic, partition: 0)
        try await consumer.assign([KafkaTopicPartitionOffset(partition, offset: 0)])
        kafka.cluster.pushRequestErrors(.offsetCommit, [.coordinatorLoadInProgress, .requestTimedOut])
        try await consumer.commit([KafkaTopicPartitionOffset(partition, offset: 4, metadata: "b1")])
        #expect(try await consumer.committed([partition], timeout: .seconds(60)) == [KafkaTopicPartitionOffset(partition, offset: 4, metadata: "b1")])

        kafka.cluster.pushRequestErrors(.offsetCommit, [.illegalGeneration])
        let fenced = await #expect(throws: KafkaError.self) {
            try await consumer.commit([KafkaTopicPartitionOffset(partition, offset: 9, metadata: "b2")])
        }
        #expect(fenced?.code == .illegalGeneration)
        #expect(fenced?.isFencing == true)
        // The refused commit changed nothing.
        #expect(try await consumer.committed([partition], timeout: .seconds(60)) == [KafkaTopicPartitionOffset(partition, offset: 4, metadata: "b1")])
        try await consumer.close()
    }
}
