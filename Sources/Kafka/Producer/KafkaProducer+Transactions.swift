/// The transactional API: records and consumer offsets committed atomically, so a
/// consume-transform-produce step (dead letters) happens exactly once. Needs
/// `transactionalID`. Each call blocks up to `timeout`; the `async` twins run on the
/// producer's queue.
///
/// Errors keep librdkafka's classification: `isRetriable` (call again), `isFatal` (recreate
/// the producer), `transactionRequiresAbort` (call `abortTransaction`, then start over),
/// `isFencing` (a newer instance with the same id took over).
extension KafkaProducer {
    /// Registers the `transactionalID` with its coordinator, fencing older instances and
    /// finishing their open transactions. Call once before the first transaction.
    public func initTransactions(timeout: Duration) throws {
        try client.initTransactions(timeoutMs: timeout.clampedMilliseconds)
    }

    /// Starts a transaction: records sent from now on belong to it.
    public func beginTransaction() throws {
        try client.beginTransaction()
    }

    /// Adds a consumer group's `offsets` (next offsets to read) to the transaction: they are
    /// committed if and only if the transaction commits. `group` comes from
    /// `KafkaConsumer.groupMetadata()`; a stale generation fences the transaction.
    public func sendOffsetsToTransaction(_ offsets: [KafkaTopicPartitionOffset], group: KafkaConsumerGroupMetadata, timeout: Duration) throws {
        try client.sendOffsetsToTransaction(offsets, group: group, timeoutMs: timeout.clampedMilliseconds)
    }

    /// Flushes the transaction's records and commits it.
    public func commitTransaction(timeout: Duration) throws {
        try client.commitTransaction(timeoutMs: timeout.clampedMilliseconds)
    }

    /// Aborts the transaction: its records are never visible to `read_committed` consumers.
    public func abortTransaction(timeout: Duration) throws {
        try client.abortTransaction(timeoutMs: timeout.clampedMilliseconds)
    }

    /// `initTransactions(timeout:)` off the cooperative pool.
    public func initTransactions(timeout: Duration) async throws {
        try await onExecutor { try self.initTransactions(timeout: timeout) }
    }

    /// `beginTransaction()` off the cooperative pool.
    public func beginTransaction() async throws {
        try await onExecutor { try self.beginTransaction() }
    }

    /// `sendOffsetsToTransaction(_:group:timeout:)` off the cooperative pool.
    public func sendOffsetsToTransaction(_ offsets: [KafkaTopicPartitionOffset], group: KafkaConsumerGroupMetadata, timeout: Duration) async throws {
        try await onExecutor { try self.sendOffsetsToTransaction(offsets, group: group, timeout: timeout) }
    }

    /// `commitTransaction(timeout:)` off the cooperative pool.
    public func commitTransaction(timeout: Duration) async throws {
        try await onExecutor { try self.commitTransaction(timeout: timeout) }
    }

    /// `abortTransaction(timeout:)` off the cooperative pool.
    public func abortTransaction(timeout: Duration) async throws {
        try await onExecutor { try self.abortTransaction(timeout: timeout) }
    }
}
