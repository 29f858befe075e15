import Kafka
import Testing

/// The control language of `millrace mock-kafka --control` (the soak harness's Kafka faults):
/// parsed from text, applied to a real mock cluster.
@Suite("Mock cluster control commands", .timeLimit(.minutes(1)))
struct MockClusterCommandTests {
    @Test("lines parse into commands; names and numbers are both accepted", arguments: [
        ("errors fetch NOT_LEADER_FOR_PARTITION REQUEST_TIMED_OUT", MockClusterCommand.requestErrors(.fetch, [.notLeaderForPartition, .requestTimedOut])),
        ("errors 8 16", .requestErrors(.offsetCommit, [KafkaError.Code(rawValue: 16)])),
        ("errors offset_commit NOT_COORDINATOR", .requestErrors(.offsetCommit, [KafkaError.Code(rawValue: 16)])),
        ("errors join_group _TRANSPORT", .requestErrors(.joinGroup, [.transport])),
        ("  down   2 ", .brokerDown(2, true)),
        ("up 2", .brokerDown(2, false)),
        ("rtt 1 250", .brokerRTT(1, milliseconds: 250)),
        ("leader postgres.eav.entities 3 1", .partitionLeader(topic: "postgres.eav.entities", partition: 3, broker: 1)),
        ("topic-error orders NO_ERROR", .topicError("orders", .noError)),
    ])
    func parses(line: String, command: MockClusterCommand) throws {
        #expect(try MockClusterCommand(parsing: line) == command)
    }

    @Test("malformed lines are refused with a message naming the line", arguments: [
        "", "errors", "errors fetch", "errors nosuchapi NOT_COORDINATOR", "errors fetch NOT_AN_ERROR", "down", "down 0", "down x",
        "up 1 2", "rtt 1", "rtt 1 -5", "leader t x 1", "reboot 1",
    ])
    func refuses(line: String) {
        let error = #expect(throws: KafkaError.self) { try MockClusterCommand(parsing: line) }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message.contains("`\(line)`") == true, "\(error?.message ?? "")")
    }

    @Test("applied to a cluster: injected request errors reach a client; unknown brokers are refused")
    func applies() async throws {
        let topic = uniqueName("control")
        let kafka = try KafkaTestCluster(brokers: 2, topics: [topic: 1])
        let consumer = try kafka.consumer(group: uniqueName("g"))
        let partition = KafkaTopicPartition(topic: topic, partition: 0)
        try await consumer.assign([KafkaTopicPartitionOffset(partition, offset: 0)])
        try MockClusterCommand(parsing: "errors offset_fetch GROUP_AUTHORIZATION_FAILED").apply(to: kafka.cluster)
        let refused = await #expect(throws: KafkaError.self) { try await consumer.committed([partition], timeout: .seconds(5)) }
        #expect(refused?.code == .groupAuthorizationFailed)
        #expect(try await consumer.committed([partition], timeout: .seconds(5))[0].offset == KafkaOffset.invalid)
        try await consumer.close()
        // Broker outages are seen through kcat in MockKafkaControlTests; here only that they apply.
        for line in ["down 2", "up 2", "rtt 2 10", "rtt 2 0", "leader \(topic) 0 2", "topic-error \(topic) NO_ERROR"] {
            try MockClusterCommand(parsing: line).apply(to: kafka.cluster)
        }
        #expect(throws: KafkaError.self) { try MockClusterCommand(parsing: "down 7").apply(to: kafka.cluster) }
        #expect(throws: KafkaError.self) { try MockClusterCommand(parsing: "rtt 3 10").apply(to: kafka.cluster) }
    }
}
