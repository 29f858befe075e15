import CRdKafka

/// The transactional producer API (rdkafka.h, "Transactional producer API"). Each call blocks
/// up to its timeout; errors keep librdkafka's classification (retriable, fatal, abortable).
extension RDKafkaClient {
    /// Registers the `transactional.id` with the coordinator, fencing older instances.
    func initTransactions(timeoutMs: Int32) throws(KafkaError) {
        try KafkaError.check(rd_kafka_init_transactions(handle, timeoutMs), while: "initializing transactions")
    }

    /// Starts a transaction.
    func beginTransaction() throws(KafkaError) {
        try KafkaError.check(rd_kafka_begin_transaction(handle), while: "beginning a transaction")
    }

    /// Adds the consumer group's offsets to the transaction: they commit with it.
    func sendOffsetsToTransaction(_ offsets: [KafkaTopicPartitionOffset], group: KafkaConsumerGroupMetadata, timeoutMs: Int32) throws(KafkaError) {
        try RDKafkaTopicPartitionList.with(offsets) { list throws(KafkaError) in
            try KafkaError.check(
                rd_kafka_send_offsets_to_transaction(handle, list, group.pointer, timeoutMs),
                while: "sending offsets to the transaction"
            )
        }
    }

    /// Commits the transaction (flushing its messages first).
    func commitTransaction(timeoutMs: Int32) throws(KafkaError) {
        try KafkaError.check(rd_kafka_commit_transaction(handle, timeoutMs), while: "committing the transaction")
    }

    /// Aborts the transaction; its messages are never visible to `read_committed` readers.
    func abortTransaction(timeoutMs: Int32) throws(KafkaError) {
        try KafkaError.check(rd_kafka_abort_transaction(handle, timeoutMs), while: "aborting the transaction")
    }
}
