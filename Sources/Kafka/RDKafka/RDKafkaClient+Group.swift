import CRdKafka

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Consumer-group membership: subscription, assignment and rebalances.
extension RDKafkaClient {
    /// Routes the main queue (errors, statistics) to the consumer queue, so one poll call
    /// serves everything (`rd_kafka_poll_set_consumer`).
    func forwardMainQueueToConsumer() throws(KafkaError) {
        try KafkaError.check(rd_kafka_poll_set_consumer(handle), while: "routing the main queue to the consumer")
    }

    /// Joins the group for `topics` (`rd_kafka_subscribe`).
    func subscribe(_ topics: [String]) throws(KafkaError) {
        let partitions = topics.map { KafkaTopicPartition(topic: $0, partition: RD_KAFKA_PARTITION_UA) }
        try RDKafkaTopicPartitionList.with(partitions, offset: KafkaOffset.invalid) { list throws(KafkaError) in
            try KafkaError.check(rd_kafka_subscribe(handle, list), while: "subscribing to \(topics)")
        }
    }

    /// Sets the whole assignment (`rd_kafka_assign`), outside any group subscription.
    func assign(_ offsets: [KafkaTopicPartitionOffset]) throws(KafkaError) {
        try RDKafkaTopicPartitionList.with(offsets) { list throws(KafkaError) in
            try KafkaError.check(rd_kafka_assign(handle, list), while: "assigning \(offsets.count) partitions")
        }
    }

    /// The partitions librdkafka currently has assigned (`rd_kafka_assignment`).
    func assignment() throws(KafkaError) -> [KafkaTopicPartition] {
        var list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
        try KafkaError.check(rd_kafka_assignment(handle, &list), while: "reading the assignment")
        guard let list else { return [] }
        defer { rd_kafka_topic_partition_list_destroy(list) }
        return RDKafkaTopicPartitionList.read(list).map(\.topicPartition)
    }

    /// The group member id the coordinator gave this consumer, or nil before joining.
    func memberID() -> String? {
        guard let id = rd_kafka_memberid(handle) else { return nil }
        defer { rd_kafka_mem_free(handle, id) }
        let text = String(cString: id)
        return text.isEmpty ? nil : text
    }

    /// Leaves the group (`rd_kafka_consumer_close`): serves the final revoke through the
    /// rebalance callback on the calling thread, then stops fetching.
    func closeConsumer() throws(KafkaError) {
        try KafkaError.check(rd_kafka_consumer_close(handle), while: "closing the consumer")
    }

    /// The group's metadata, for `sendOffsetsToTransaction`.
    func groupMetadata() throws(KafkaError) -> KafkaConsumerGroupMetadata {
        guard let metadata = rd_kafka_consumer_group_metadata(handle) else {
            throw KafkaError(.unknownGroup, "the consumer has no group metadata (no group.id)")
        }
        return KafkaConsumerGroupMetadata(metadata)
    }

    /// True when `rk`'s group uses the cooperative rebalance protocol.
    static func isCooperative(_ rk: OpaquePointer) -> Bool {
        guard let name = rd_kafka_rebalance_protocol(rk) else { return false }
        return strcmp(name, "COOPERATIVE") == 0
    }

    /// Performs the assign or unassign librdkafka waits for after a rebalance callback:
    /// incremental for the cooperative protocol, the whole assignment for the eager one.
    /// Returns the failure, if any.
    static func applyRebalance(_ event: RDKafkaRebalance, list: RDKafkaTopicPartitionList.Pointer?, on rk: OpaquePointer) -> KafkaError? {
        switch (event.kind, event.cooperative) {
        case (.assign, true):
            return rd_kafka_incremental_assign(rk, list).map { KafkaError(consuming: $0, while: "incremental assign") }
        case (.revoke, true), (.lost, true):
            return rd_kafka_incremental_unassign(rk, list).map { KafkaError(consuming: $0, while: "incremental unassign") }
        case (.assign, false):
            let code = rd_kafka_assign(rk, list)
            return code == RD_KAFKA_RESP_ERR_NO_ERROR ? nil : KafkaError(code, while: "assign")
        case (.revoke, false), (.lost, false), (.failed, _):
            let code = rd_kafka_assign(rk, nil)
            return code == RD_KAFKA_RESP_ERR_NO_ERROR ? nil : KafkaError(code, while: "unassign")
        }
    }
}

/// A consumer group's identity and generation, captured from a consumer for a transactional
/// producer's `sendOffsetsToTransaction` (`rd_kafka_consumer_group_metadata_t`).
public final class KafkaConsumerGroupMetadata: @unchecked Sendable {
    /// The C object, destroyed with this wrapper; immutable after creation.
    let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        rd_kafka_consumer_group_metadata_destroy(pointer)
    }
}
