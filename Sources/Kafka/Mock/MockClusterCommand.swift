/// A fault to inject into a running mock cluster, written as one line of text: the control
/// language of `millrace mock-kafka --control`, which the soak harness (`scripts/soak/`) speaks
/// on the command's standard input.
///
/// ```
/// errors fetch NOT_LEADER_FOR_PARTITION REQUEST_TIMED_OUT   the next two Fetch requests fail, in order
/// errors 8 27                                               API key and codes may be numbers
/// down 2 | up 2                                             broker 2 refuses connections / serves again
/// rtt 2 500                                                 broker 2 answers 500 ms late (0 clears)
/// leader postgres.eav.entities 3 1                          partition 3's leader moves to broker 1
/// topic-error postgres.eav.entities UNKNOWN_TOPIC_OR_PART   every request for the topic fails (NO_ERROR clears)
/// ```
///
/// Names are librdkafka's error names without the `RD_KAFKA_RESP_ERR_` prefix (as
/// `KafkaError.Code.name` spells them) and the request types of `KafkaAPIKey` in snake case.
public enum MockClusterCommand: Sendable, Hashable {
    /// `rd_kafka_mock_push_request_errors`: the next requests of `api` fail with `codes`, in order.
    case requestErrors(KafkaAPIKey, [KafkaError.Code])
    /// Take a broker down (`true`) or bring it back up (`false`).
    case brokerDown(Int32, Bool)
    /// Delay a broker's responses by this many milliseconds.
    case brokerRTT(Int32, milliseconds: Int)
    /// Move a partition's leadership to a broker.
    case partitionLeader(topic: String, partition: Int32, broker: Int32)
    /// Fail every request for a topic with a code (`NO_ERROR` clears it).
    case topicError(String, KafkaError.Code)

    /// The request types by their names in the control language.
    static let apiNames: [String: KafkaAPIKey] = [
        "produce": .produce, "fetch": .fetch, "list_offsets": .listOffsets, "metadata": .metadata,
        "offset_commit": .offsetCommit, "offset_fetch": .offsetFetch, "find_coordinator": .findCoordinator,
        "join_group": .joinGroup, "heartbeat": .heartbeat, "leave_group": .leaveGroup, "sync_group": .syncGroup,
        "init_producer_id": .initProducerID, "add_partitions_to_txn": .addPartitionsToTransaction,
        "add_offsets_to_txn": .addOffsetsToTransaction, "end_txn": .endTransaction,
        "txn_offset_commit": .transactionOffsetCommit,
    ]

    /// Parses one line (words separated by spaces).
    /// - Throws: `KafkaError` `.invalidArgument` saying what is wrong with the line.
    public init(parsing line: String) throws(KafkaError) {
        let words = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        func fail(_ message: String) -> KafkaError {
            KafkaError(.invalidArgument, "`\(line)`: \(message)")
        }
        func broker(_ text: String) throws(KafkaError) -> Int32 {
            guard let id = Int32(text), id >= 1 else { throw fail("a broker is a positive id, not `\(text)`") }
            return id
        }
        func code(_ text: String) throws(KafkaError) -> KafkaError.Code {
            if let number = Int32(text) { return KafkaError.Code(rawValue: number) }
            // librdkafka's codes lie within -200 ... 200 (rdkafka.h, rd_kafka_resp_err_t).
            guard let value = (-200...200).first(where: { KafkaError.Code(rawValue: Int32($0)).name == text }) else {
                throw fail("`\(text)` is not an error name librdkafka knows (e.g. NOT_COORDINATOR) or a number")
            }
            return KafkaError.Code(rawValue: Int32(value))
        }
        switch (words.first, words.count) {
        case ("errors", 3...):
            let api: KafkaAPIKey
            if let number = Int16(words[1]) {
                api = KafkaAPIKey(rawValue: number)
            } else if let named = Self.apiNames[words[1]] {
                api = named
            } else {
                throw fail("`\(words[1])` is not a request type (\(Self.apiNames.keys.sorted().joined(separator: ", "))) or an API key number")
            }
            var codes: [KafkaError.Code] = []
            for word in words[2...] { codes.append(try code(word)) }
            self = .requestErrors(api, codes)
        case ("down", 2), ("up", 2):
            self = .brokerDown(try broker(words[1]), words[0] == "down")
        case ("rtt", 3):
            guard let milliseconds = Int(words[2]), milliseconds >= 0 else { throw fail("the delay is milliseconds, 0 or more") }
            self = .brokerRTT(try broker(words[1]), milliseconds: milliseconds)
        case ("leader", 4):
            guard let partition = Int32(words[2]), partition >= 0 else { throw fail("a partition is a number, 0 or more") }
            self = .partitionLeader(topic: words[1], partition: partition, broker: try broker(words[3]))
        case ("topic-error", 3):
            self = .topicError(words[1], try code(words[2]))
        default:
            throw fail("expected errors API CODE..., down ID, up ID, rtt ID MS, leader TOPIC PARTITION ID or topic-error TOPIC CODE")
        }
    }

    /// Applies the command to `cluster`.
    /// - Throws: `KafkaError` when the cluster refuses it (an unknown broker, topic or partition).
    public func apply(to cluster: MockCluster) throws {
        switch self {
        case .requestErrors(let api, let codes):
            cluster.pushRequestErrors(api, codes)
        case .brokerDown(let id, let down):
            guard cluster.brokerIDs.contains(id) else { throw KafkaError(.invalidArgument, "the cluster has brokers \(cluster.brokerIDs), not \(id)") }
            try down ? cluster.setBrokerDown(id) : cluster.setBrokerUp(id)
        case .brokerRTT(let id, let milliseconds):
            guard cluster.brokerIDs.contains(id) else { throw KafkaError(.invalidArgument, "the cluster has brokers \(cluster.brokerIDs), not \(id)") }
            try cluster.setBrokerRTT(id, milliseconds: milliseconds)
        case .partitionLeader(let topic, let partition, let broker):
            try cluster.setPartitionLeader(topic: topic, partition: partition, broker: broker)
        case .topicError(let topic, let code):
            cluster.setTopicError(topic, code)
        }
    }
}
