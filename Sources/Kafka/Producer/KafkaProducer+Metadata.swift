/// Topic metadata, for producers that choose partitions themselves.
extension KafkaProducer {
    /// The partition ids of `topic`, ascending, as a broker reports them now (a Metadata
    /// request, run on the producer's queue off the cooperative pool; waits up to `timeout`).
    /// Where the brokers allow it, asking may create a missing topic, as producing to it would
    /// (librdkafka producers default to `allow.auto.create.topics=true`).
    ///
    /// - Throws: `KafkaError`: `.unknownTopicOrPartition` when the cluster has no such topic,
    ///   `.leaderNotAvailable` while it is being created (both retriable), `.timedOut` when no
    ///   broker answered in time.
    public func partitions(of topic: String, timeout: Duration) async throws -> [Int32] {
        try await onExecutor { try self.client.topicMetadata(topic, timeoutMs: timeout.clampedMilliseconds).partitionIDs }
    }
}
