import Synchronization

/// Topic metadata: the partitions a consumer outside the group assigns itself.
extension KafkaConsumer {
    /// `topic`'s metadata as a broker reports it now: partitions with their leaders and
    /// replicas. Blocks up to `timeout`.
    ///
    /// - Throws: `KafkaError` with `.unknownTopicOrPartition` when the cluster has no such
    ///   topic, `.timedOut` when no broker answered in time, `.state` once closed.
    public func topicMetadata(_ topic: String, timeout: Duration) throws -> KafkaTopicMetadata {
        try state.withLock { state throws(KafkaError) in try state.checkUsable() }
        return try client.topicMetadata(topic, timeoutMs: timeout.clampedMilliseconds)
    }

    /// The partition ids of `topic`, ascending: what to `assign` to read the whole topic.
    /// Blocks up to `timeout`; throws as `topicMetadata(_:timeout:)` does.
    public func partitions(of topic: String, timeout: Duration) throws -> [Int32] {
        try topicMetadata(topic, timeout: timeout).partitionIDs
    }
}
