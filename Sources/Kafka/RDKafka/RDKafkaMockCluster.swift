import CRdKafka

/// librdkafka's mock cluster (`rdkafka_mock.h`): brokers speaking the Kafka protocol on
/// loopback, run by librdkafka threads inside this process.
final class RDKafkaMockCluster: @unchecked Sendable {
    /// The client instance the cluster belongs to (librdkafka requires one).
    private let host: RDKafkaClient
    private let cluster: OpaquePointer

    /// Starts `brokers` brokers.
    init(brokers: Int32, host: RDKafkaClient) throws(KafkaError) {
        guard let cluster = rd_kafka_mock_cluster_new(host.handle, brokers) else {
            throw KafkaError(.failure, "librdkafka could not start a mock cluster of \(brokers) brokers")
        }
        self.host = host
        self.cluster = cluster
    }

    deinit {
        rd_kafka_mock_cluster_destroy(cluster)
    }

    /// `host:port,...` of every broker.
    var bootstrapServers: String {
        String(cString: rd_kafka_mock_cluster_bootstraps(cluster))
    }

    func createTopic(_ name: String, partitions: Int32, replicationFactor: Int32) throws(KafkaError) {
        try KafkaError.check(
            rd_kafka_mock_topic_create(cluster, name, partitions, replicationFactor),
            while: "creating mock topic \(name)"
        )
    }

    func pushRequestErrors(apiKey: Int16, _ codes: [KafkaError.Code]) {
        let errors = codes.map { rd_kafka_resp_err_t(rawValue: $0.rawValue) }
        rd_kafka_mock_push_request_errors_array(cluster, apiKey, errors.count, errors)
    }

    func pushBrokerRequestErrors(broker: Int32, apiKey: Int16, _ answers: [(code: KafkaError.Code, rttMilliseconds: Int32)])
        throws(KafkaError)
    {
        for answer in answers {
            try KafkaError.check(
                millrace_mock_broker_push_request_error_rtt(
                    cluster, broker, apiKey, rd_kafka_resp_err_t(rawValue: answer.code.rawValue), answer.rttMilliseconds),
                while: "pushing request errors onto mock broker \(broker)")
        }
    }

    func setBrokerDown(_ broker: Int32, _ down: Bool) throws(KafkaError) {
        let code = down ? rd_kafka_mock_broker_set_down(cluster, broker) : rd_kafka_mock_broker_set_up(cluster, broker)
        try KafkaError.check(code, while: "setting mock broker \(broker) \(down ? "down" : "up")")
    }

    func setBrokerRTT(_ broker: Int32, milliseconds: Int32) throws(KafkaError) {
        try KafkaError.check(rd_kafka_mock_broker_set_rtt(cluster, broker, milliseconds), while: "setting the RTT of mock broker \(broker)")
    }

    func setPartitionLeader(topic: String, partition: Int32, broker: Int32) throws(KafkaError) {
        try KafkaError.check(
            rd_kafka_mock_partition_set_leader(cluster, topic, partition, broker),
            while: "moving the leader of \(topic)[\(partition)]"
        )
    }

    func setTopicError(_ topic: String, _ code: KafkaError.Code) {
        rd_kafka_mock_topic_set_error(cluster, topic, rd_kafka_resp_err_t(rawValue: code.rawValue))
    }
}
