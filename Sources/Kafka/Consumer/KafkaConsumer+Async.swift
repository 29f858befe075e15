import Dispatch

/// `async` twins of the blocking calls, for async callers (commands, tests). Each runs the blocking call
/// on the consumer's own serial dispatch queue and resumes the caller when it returns, so
/// Swift's cooperative pool never blocks in librdkafka. Rebalance handlers run on that queue
/// while `messages` polls.
extension KafkaConsumer {
    /// Runs `body` on the consumer's queue and returns its result.
    func onExecutor<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            executor.async {
                continuation.resume(with: Result { try body() })
            }
        }
    }

    /// Polls once (see `poll`) and returns copies of the messages handed over.
    public func messages(maxMessages: Int = 1_000, timeout: Duration) async throws -> [KafkaMessage] {
        try await onExecutor {
            var messages: [KafkaMessage] = []
            _ = try self.poll(maxMessages: maxMessages, timeout: timeout) { messages.append($0.copy()) }
            return messages
        }
    }

    /// `assign(_:)` off the cooperative pool: resolving `KafkaOffset.beginning` / `.end` waits
    /// for ListOffsets answers (up to `sessionTimeoutMs`).
    public func assign(_ partitions: [KafkaTopicPartitionOffset]) async throws {
        try await onExecutor { try self.assign(partitions) }
    }

    /// `commit(_:)` off the cooperative pool.
    public func commit(_ offsets: [KafkaTopicPartitionOffset]) async throws {
        try await onExecutor { try self.commit(offsets) }
    }

    /// `committed(_:timeout:)` off the cooperative pool.
    public func committed(_ partitions: [KafkaTopicPartition], timeout: Duration) async throws -> [KafkaTopicPartitionOffset] {
        try await onExecutor { try self.committed(partitions, timeout: timeout) }
    }

    /// `seek(_:timeout:)` off the cooperative pool.
    public func seek(_ offsets: [KafkaTopicPartitionOffset], timeout: Duration) async throws {
        try await onExecutor { try self.seek(offsets, timeout: timeout) }
    }

    /// `watermarks(_:timeout:)` off the cooperative pool.
    public func watermarks(_ partition: KafkaTopicPartition, timeout: Duration) async throws -> KafkaWatermarks {
        try await onExecutor { try self.watermarks(partition, timeout: timeout) }
    }

    /// `lag(_:timeout:)` off the cooperative pool.
    public func lag(_ partitions: [KafkaTopicPartition], timeout: Duration) async throws -> [KafkaPartitionLag] {
        try await onExecutor { try self.lag(partitions, timeout: timeout) }
    }

    /// `topicMetadata(_:timeout:)` off the cooperative pool.
    public func topicMetadata(_ topic: String, timeout: Duration) async throws -> KafkaTopicMetadata {
        try await onExecutor { try self.topicMetadata(topic, timeout: timeout) }
    }

    /// `partitions(of:timeout:)` off the cooperative pool.
    public func partitions(of topic: String, timeout: Duration) async throws -> [Int32] {
        try await onExecutor { try self.partitions(of: topic, timeout: timeout) }
    }

    /// `offsetsForTimes(_:timeout:)` off the cooperative pool.
    public func offsetsForTimes(_ times: [KafkaTopicPartition: Int64], timeout: Duration) async throws -> [KafkaTopicPartitionOffset] {
        try await onExecutor { try self.offsetsForTimes(times, timeout: timeout) }
    }

    /// `close()` off the cooperative pool (the final revoke handler runs on the consumer's
    /// queue).
    public func close() async throws {
        try await onExecutor { try self.close() }
    }
}
