import CRdKafka

/// Cluster metadata: a topic's partitions and their leaders.
extension RDKafkaClient {
    /// Most partitions or replicas accepted in one topic's metadata; Kafka's own limits are far
    /// below (a cluster holds some 200,000 partitions in all), so more means a corrupt answer.
    static let maxMetadataEntries: Int32 = 1 << 20

    /// Asks a broker for `topic`'s metadata (`rd_kafka_metadata` for that topic only) and
    /// waits up to `timeoutMs`.
    ///
    /// A topic the cluster does not know throws `.unknownTopicOrPartition` (a consumer does
    /// not auto-create topics: `allow.auto.create.topics` is false by default for consumers,
    /// true for producers); other topic
    /// errors (e.g. `.leaderNotAvailable` while a topic is being created) are thrown with
    /// their code. Partition errors are reported per partition, not thrown.
    func topicMetadata(_ topic: String, timeoutMs: Int32) throws(KafkaError) -> KafkaTopicMetadata {
        guard !topic.isEmpty else {
            throw KafkaError(.invalidArgument, "a topic name is needed to read its metadata")
        }
        guard let handleForTopic = rd_kafka_topic_new(handle, topic, nil) else {
            throw KafkaError(KafkaError.Code(rawValue: rd_kafka_last_error().rawValue), "topic \(topic): cannot create its handle")
        }
        defer { rd_kafka_topic_destroy(handleForTopic) }
        var answer: UnsafePointer<rd_kafka_metadata>?
        try KafkaError.check(rd_kafka_metadata(handle, 0, handleForTopic, &answer, timeoutMs), while: "reading the metadata of topic \(topic)")
        guard let answer else {
            throw KafkaError(.failure, "reading the metadata of topic \(topic): librdkafka returned no metadata")
        }
        defer { rd_kafka_metadata_destroy(answer) }
        let listed = answer.pointee.topics == nil ? 0 : Int(max(0, answer.pointee.topic_cnt))
        let topics = UnsafeBufferPointer(start: answer.pointee.topics, count: listed)
        guard let entry = topics.first(where: { $0.topic.map { String(cString: $0) } == topic }) else {
            throw KafkaError(.unknownTopicOrPartition, "topic \(topic) is missing from the metadata answer")
        }
        let code = KafkaError.Code(rawValue: entry.err.rawValue)
        guard code == .noError else {
            let reason = code == .unknownTopicOrPartition ? "does not exist" : "cannot be described"
            throw KafkaError(code, "topic \(topic) \(reason): \(RDKafkaErrorNames.text(of: code.rawValue))")
        }
        guard entry.partition_cnt >= 0, entry.partition_cnt <= Self.maxMetadataEntries, entry.partitions != nil || entry.partition_cnt == 0 else {
            throw KafkaError(.badMessage, "topic \(topic): metadata lists \(entry.partition_cnt) partitions")
        }
        let partitions = try UnsafeBufferPointer(start: entry.partitions, count: Int(entry.partition_cnt)).map { partition throws(KafkaError) in
            KafkaPartitionMetadata(
                id: partition.id,
                leader: partition.leader,
                replicas: try Self.brokerIDs(partition.replicas, count: partition.replica_cnt, of: topic),
                inSyncReplicas: try Self.brokerIDs(partition.isrs, count: partition.isr_cnt, of: topic),
                error: KafkaError.Code(rawValue: partition.err.rawValue)
            )
        }
        return KafkaTopicMetadata(name: topic, partitions: partitions.sorted { $0.id < $1.id })
    }

    /// Copies a broker id array of the metadata, checking its count first.
    private static func brokerIDs(_ ids: UnsafeMutablePointer<Int32>?, count: Int32, of topic: String) throws(KafkaError) -> [Int32] {
        guard count >= 0, count <= maxMetadataEntries, ids != nil || count == 0 else {
            throw KafkaError(.badMessage, "topic \(topic): metadata lists \(count) replicas for a partition")
        }
        return Array(UnsafeBufferPointer(start: ids, count: Int(count)))
    }
}
