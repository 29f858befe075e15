import Foundation
import Kafka
import MillraceTesting
import Testing

/// Topic metadata on librdkafka's mock cluster: the partitions a consumer outside the group
/// assigns itself to read a whole topic.
@Suite("Topic metadata", .timeLimit(.minutes(1)))
struct TopicMetadataTests {
    @Test("a known topic lists every partition with the leader and replicas kcat sees")
    func knownTopic() async throws {
        let topic = uniqueName("dims")
        let kafka = try KafkaTestCluster(brokers: 3, topics: [topic: 6])
        try kafka.cluster.setPartitionLeader(topic: topic, partition: 4, broker: 3)
        let consumer = try kafka.consumer(group: uniqueName("g"))

        // The blocking call (as the worker's thread makes it) and its async twin.
        let ids = try await onDedicatedThread { try consumer.partitions(of: topic, timeout: .seconds(60)) }
        #expect(ids == [0, 1, 2, 3, 4, 5])
        let metadata = try await consumer.topicMetadata(topic, timeout: .seconds(60))
        #expect(metadata.name == topic)
        #expect(metadata.partitionIDs == [0, 1, 2, 3, 4, 5])
        #expect(metadata.partitions[4].leader == 3)
        #expect(metadata.partitions.allSatisfy { $0.error == .noError })
        // kcat, an independent client, reads the same metadata.
        await #expect(try Self.kcatMetadata(topic, bootstrap: kafka.bootstrapServers) == metadata)
        try await consumer.close()
    }

    /// `topic`'s metadata as `kcat -L -J` reports it.
    private static func kcatMetadata(_ topic: String, bootstrap: String) async throws -> KafkaTopicMetadata {
        let output = try await Subprocess.run(["timeout", "30", "kcat", "-L", "-J", "-b", bootstrap, "-t", topic]).output
        let document = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        let topics = try #require(document["topics"] as? [[String: Any]])
        let entry = try #require(topics.first { $0["topic"] as? String == topic })
        let partitions = try #require(entry["partitions"] as? [[String: Any]]).map { partition in
            let ids = { (key: String) in ((partition[key] as? [[String: Any]]) ?? []).compactMap { ($0["id"] as? Int).map(Int32.init) } }
            return KafkaPartitionMetadata(
                id: Int32(partition["partition"] as? Int ?? -1), leader: Int32(partition["leader"] as? Int ?? -1),
                replicas: ids("replicas"), inSyncReplicas: ids("isrs"))
        }
        return KafkaTopicMetadata(name: topic, partitions: partitions.sorted { $0.id < $1.id })
    }

    @Test("a topic the cluster does not have is a clear unknownTopicOrPartition error")
    func unknownTopic() async throws {
        let kafka = try KafkaTestCluster(brokers: 1, topics: [uniqueName("other"): 1])
        let consumer = try kafka.consumer(group: uniqueName("g"))
        let missing = uniqueName("missing")
        // Test double at a seam the mock cannot provide: librdkafka 2.0.2's mock serves Metadata
        // v0-v2, which predates AllowAutoTopicCreation, so it creates any topic asked about. A
        // broker answers a missing topic with UNKNOWN_TOPIC_OR_PART; the mock is told to.
        kafka.cluster.setTopicError(missing, .unknownTopicOrPartition)
        let error = await #expect(throws: KafkaError.self) { try await consumer.partitions(of: missing, timeout: .seconds(5)) }
        #expect(error?.code == .unknownTopicOrPartition)
        #expect(error?.message.contains(missing) == true && error?.message.contains("does not exist") == true, "\(String(describing: error))")
        try await consumer.close()
    }

    @Test("a topic error other than absence is thrown with its code; an empty name is refused")
    func otherErrors() async throws {
        let topic = uniqueName("t")
        let kafka = try KafkaTestCluster(brokers: 1, topics: [topic: 2])
        let consumer = try kafka.consumer(group: uniqueName("g"))
        kafka.cluster.setTopicError(topic, .leaderNotAvailable)
        let error = await #expect(throws: KafkaError.self) { try await consumer.topicMetadata(topic, timeout: .seconds(5)) }
        #expect(error?.code == .leaderNotAvailable)
        kafka.cluster.setTopicError(topic, .noError)
        #expect(try await consumer.partitions(of: topic, timeout: .seconds(60)) == [0, 1])
        let empty = await #expect(throws: KafkaError.self) { try await consumer.partitions(of: "", timeout: .seconds(1)) }
        #expect(empty?.code == .invalidArgument)
        try await consumer.close()
        let closed = await #expect(throws: KafkaError.self) { try await consumer.partitions(of: topic, timeout: .seconds(1)) }
        #expect(closed?.code == .state)
    }

    @Test("assigning every partition the metadata lists reads the whole topic")
    func followerReadsWholeTopic() async throws {
        let topic = uniqueName("entities")
        let kafka = try KafkaTestCluster(brokers: 2, topics: [topic: 5])
        try await kafka.produce(topic, count: 100)
        let follower = try kafka.consumer(group: uniqueName("g"))
        let partitions = try await follower.partitions(of: topic, timeout: .seconds(60))
        try await follower.assign(partitions.map { KafkaTopicPartitionOffset(topic: topic, partition: $0, offset: KafkaOffset.beginning) })
        var values = Set<String>()
        let deadline = ContinuousClock.now + .seconds(40)
        while values.count < 100 && ContinuousClock.now < deadline {
            for message in try await follower.messages(timeout: .milliseconds(100)) {
                values.insert(String(decoding: message.value ?? [], as: UTF8.self))
            }
        }
        #expect(values == Set((0..<100).map { "m-\($0)" }))
        try await follower.close()
    }
}
