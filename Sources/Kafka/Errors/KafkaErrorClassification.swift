/// Which librdkafka codes fence a member and which are transient.
///
/// librdkafka classifies `rd_kafka_error_t` objects itself (`rd_kafka_error_is_retriable`) but
/// not bare `rd_kafka_resp_err_t` codes, which most calls return. These sets follow the Java
/// client's `RetriableException` subclasses and librdkafka's own OffsetCommit handling
/// (rdkafka_request.c, `rd_kafka_handle_OffsetCommit_error`).
enum KafkaErrorClassification {
    /// Codes that mean "you no longer own this": the group moved on (generation, member,
    /// rebalance, static instance), the assignment was lost locally, or a newer producer
    /// instance took over the `transactional.id`.
    static let fencing: Set<KafkaError.Code> = [
        .illegalGeneration,
        .unknownMemberID,
        .rebalanceInProgress,
        .fencedInstanceID,
        .assignmentLost,
        .maxPollExceeded,
        .fenced,
        .producerFenced,
        .invalidProducerEpoch,
    ]

    /// Transient broker, network and coordinator faults: the same request may succeed later.
    static let retriable: Set<KafkaError.Code> = [
        .transport,
        .resolve,
        .allBrokersDown,
        .timedOut,
        .timedOutInQueue,
        .messageTimedOut,
        .queueFull,
        .waitingForCoordinator,
        .unknownTopicOrPartition,
        .leaderNotAvailable,
        .notLeaderForPartition,
        .requestTimedOut,
        .brokerNotAvailable,
        .networkException,
        .coordinatorLoadInProgress,
        .coordinatorNotAvailable,
        .notCoordinator,
        .notEnoughReplicas,
        .notEnoughReplicasAfterAppend,
        .concurrentTransactions,
        .kafkaStorageError,
        .fencedLeaderEpoch,
        .unknownLeaderEpoch,
        .offsetNotAvailable,
        .unstableOffsetCommit,
        .throttlingQuotaExceeded,
    ]
}
