import Kafka
import Testing

@Suite("MockCluster", .timeLimit(.minutes(1)))
struct MockClusterTests {
    @Test("brokers listen on loopback and report one bootstrap address each")
    func bootstrap() throws {
        let cluster = try MockCluster(brokers: 3, logger: KafkaTestCluster.logger)
        let addresses = cluster.bootstrapServers.split(separator: ",")
        #expect(addresses.count == 3)
        #expect(addresses.allSatisfy { $0.hasPrefix("127.0.0.1:") || $0.hasPrefix("localhost:") })
        #expect(cluster.brokerIDs == 1...3)
    }

    @Test("created topics have their partition counts")
    func topics() async throws {
        let topic = uniqueName("t")
        let kafka = try KafkaTestCluster(brokers: 2, topics: [topic: 5])
        let consumer = try kafka.consumer(group: uniqueName("g"))
        for partition in Int32(0)..<5 {
            #expect(try await consumer.watermarks(KafkaTopicPartition(topic: topic, partition: partition), timeout: .seconds(60)) == KafkaWatermarks(low: 0, high: 0))
        }
        await #expect(throws: KafkaError.self) {
            try await consumer.watermarks(KafkaTopicPartition(topic: topic, partition: 5), timeout: .seconds(2))
        }
        try await consumer.close()
    }

    @Test("invalid sizes are refused")
    func invalidSizes() throws {
        #expect(throws: KafkaError.self) { try MockCluster(brokers: 0) }
        let cluster = try MockCluster(brokers: 1, logger: KafkaTestCluster.logger)
        #expect(throws: KafkaError.self) { try cluster.createTopic("t", partitions: 0) }
        #expect(throws: KafkaError.self) { try cluster.createTopic("t", partitions: 1, replicationFactor: 2) }
    }

    @Test("injected request errors reach the client with their code")
    func injectedErrors() async throws {
        let topic = uniqueName("t")
        let kafka = try KafkaTestCluster(brokers: 1, topics: [topic: 1])
        let consumer = try kafka.consumer(group: uniqueName("g"))
        let partition = KafkaTopicPartition(topic: topic, partition: 0)
        try await consumer.assign([KafkaTopicPartitionOffset(partition, offset: 0)])
        kafka.cluster.pushRequestErrors(.offsetFetch, [.groupAuthorizationFailed])
        let error = await #expect(throws: KafkaError.self) { try await consumer.committed([partition], timeout: .seconds(5)) }
        #expect(error?.code == .groupAuthorizationFailed)
        #expect(try await consumer.committed([partition], timeout: .seconds(60))[0].offset == KafkaOffset.invalid)
        try await consumer.close()
    }
}
