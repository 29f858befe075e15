// The codes Millrace matches on, with librdkafka 2.0.2's numeric values (rdkafka.h,
// `rd_kafka_resp_err_t`). KafkaErrorTests checks every name against `rd_kafka_err2name`.

extension KafkaError.Code {
    // MARK: Raised by librdkafka itself (negative codes)

    /// `_BAD_MSG`: a received message was malformed.
    public static let badMessage = Self(rawValue: -199)
    /// `_DESTROY`: the client is being destroyed.
    public static let destroyed = Self(rawValue: -197)
    /// `_FAIL`: a local, unclassified failure.
    public static let failure = Self(rawValue: -196)
    /// `_TRANSPORT`: a broker connection failed.
    public static let transport = Self(rawValue: -195)
    /// `_RESOLVE`: a broker host name did not resolve.
    public static let resolve = Self(rawValue: -193)
    /// `_MSG_TIMED_OUT`: a produced message was not delivered within `message.timeout.ms`.
    public static let messageTimedOut = Self(rawValue: -192)
    /// `_PARTITION_EOF`: the consumer reached the end of a partition.
    public static let partitionEOF = Self(rawValue: -191)
    /// `_UNKNOWN_PARTITION`: the partition does not exist.
    public static let unknownPartition = Self(rawValue: -190)
    /// `_UNKNOWN_TOPIC`: the topic does not exist.
    public static let unknownTopic = Self(rawValue: -188)
    /// `_ALL_BROKERS_DOWN`: no broker is reachable.
    public static let allBrokersDown = Self(rawValue: -187)
    /// `_INVALID_ARG`: an argument or configuration value was rejected.
    public static let invalidArgument = Self(rawValue: -186)
    /// `_TIMED_OUT`: the operation did not finish within its timeout.
    public static let timedOut = Self(rawValue: -185)
    /// `_QUEUE_FULL`: the producer's local queue is full.
    public static let queueFull = Self(rawValue: -184)
    /// `_SSL`: a TLS failure.
    public static let ssl = Self(rawValue: -181)
    /// `_WAIT_COORD`: the group coordinator is not known yet.
    public static let waitingForCoordinator = Self(rawValue: -180)
    /// `_UNKNOWN_GROUP`: the client is not in a consumer group (no `group.id`).
    public static let unknownGroup = Self(rawValue: -179)
    /// `_STATE`: the operation is not valid in the client's current state.
    public static let state = Self(rawValue: -172)
    /// `_NOT_IMPLEMENTED`: the feature is not available in this librdkafka build.
    public static let notImplemented = Self(rawValue: -170)
    /// `_AUTHENTICATION`: SASL or TLS authentication failed.
    public static let authentication = Self(rawValue: -169)
    /// `_NO_OFFSET`: no offset to commit or no committed offset.
    public static let noOffset = Self(rawValue: -168)
    /// `_TIMED_OUT_QUEUE`: the request timed out while waiting in a local queue.
    public static let timedOutInQueue = Self(rawValue: -166)
    /// `_UNSUPPORTED_FEATURE`: the broker does not support the feature.
    public static let unsupportedFeature = Self(rawValue: -165)
    /// `_PURGE_QUEUE`: the message was purged from the producer queue.
    public static let purgedFromQueue = Self(rawValue: -152)
    /// `_PURGE_INFLIGHT`: the message was purged while in flight.
    public static let purgedInFlight = Self(rawValue: -151)
    /// `_FATAL`: a fatal error was raised; the client instance is unusable.
    public static let fatal = Self(rawValue: -150)
    /// `_MAX_POLL_EXCEEDED`: the application did not poll within `max.poll.interval.ms` and
    /// left the group.
    public static let maxPollExceeded = Self(rawValue: -147)
    /// `_NOT_CONFIGURED`: the functionality is not configured (e.g. no `transactional.id`).
    public static let notConfigured = Self(rawValue: -145)
    /// `_FENCED`: this producer instance was fenced by a newer one.
    public static let fenced = Self(rawValue: -144)
    /// `_ASSIGNMENT_LOST`: the consumer lost its assignment (session or poll timeout), or the
    /// commit names a partition this consumer does not hold. Offsets cannot be committed.
    public static let assignmentLost = Self(rawValue: -142)

    // MARK: Kafka protocol errors (positive codes, sent by a broker)

    /// `UNKNOWN`: an unexpected server error.
    public static let unknown = Self(rawValue: -1)
    /// `NO_ERROR`: success.
    public static let noError = Self(rawValue: 0)
    /// `OFFSET_OUT_OF_RANGE`: the requested offset is outside the log.
    public static let offsetOutOfRange = Self(rawValue: 1)
    /// `UNKNOWN_TOPIC_OR_PART`: the topic or partition does not exist on the broker.
    public static let unknownTopicOrPartition = Self(rawValue: 3)
    /// `LEADER_NOT_AVAILABLE`: a leader election is under way.
    public static let leaderNotAvailable = Self(rawValue: 5)
    /// `NOT_LEADER_FOR_PARTITION`: the broker is not the partition's leader.
    public static let notLeaderForPartition = Self(rawValue: 6)
    /// `REQUEST_TIMED_OUT`: the broker timed out the request.
    public static let requestTimedOut = Self(rawValue: 7)
    /// `BROKER_NOT_AVAILABLE`: the broker is not available.
    public static let brokerNotAvailable = Self(rawValue: 8)
    /// `MSG_SIZE_TOO_LARGE`: the message is larger than the broker accepts.
    public static let messageSizeTooLarge = Self(rawValue: 10)
    /// `OFFSET_METADATA_TOO_LARGE`: the commit metadata is longer than the broker accepts.
    public static let offsetMetadataTooLarge = Self(rawValue: 12)
    /// `NETWORK_EXCEPTION`: the broker lost a connection while serving the request.
    public static let networkException = Self(rawValue: 13)
    /// `COORDINATOR_LOAD_IN_PROGRESS`: the coordinator is loading its state.
    public static let coordinatorLoadInProgress = Self(rawValue: 14)
    /// `COORDINATOR_NOT_AVAILABLE`: the coordinator is not available.
    public static let coordinatorNotAvailable = Self(rawValue: 15)
    /// `NOT_COORDINATOR`: the broker is not the group's coordinator.
    public static let notCoordinator = Self(rawValue: 16)
    /// `NOT_ENOUGH_REPLICAS`: fewer in-sync replicas than `min.insync.replicas`.
    public static let notEnoughReplicas = Self(rawValue: 19)
    /// `NOT_ENOUGH_REPLICAS_AFTER_APPEND`: written, but fewer in-sync replicas than required.
    public static let notEnoughReplicasAfterAppend = Self(rawValue: 20)
    /// `ILLEGAL_GENERATION`: the member's group generation is stale (it was fenced).
    public static let illegalGeneration = Self(rawValue: 22)
    /// `UNKNOWN_MEMBER_ID`: the coordinator does not know this member (it was fenced).
    public static let unknownMemberID = Self(rawValue: 25)
    /// `REBALANCE_IN_PROGRESS`: the group is rebalancing; the member must rejoin.
    public static let rebalanceInProgress = Self(rawValue: 27)
    /// `TOPIC_AUTHORIZATION_FAILED`: not authorized for the topic.
    public static let topicAuthorizationFailed = Self(rawValue: 29)
    /// `GROUP_AUTHORIZATION_FAILED`: not authorized for the group.
    public static let groupAuthorizationFailed = Self(rawValue: 30)
    /// `INVALID_PRODUCER_EPOCH`: the producer's epoch is stale (it was fenced).
    public static let invalidProducerEpoch = Self(rawValue: 47)
    /// `CONCURRENT_TRANSACTIONS`: the coordinator is still completing an earlier transaction.
    public static let concurrentTransactions = Self(rawValue: 51)
    /// `KAFKA_STORAGE_ERROR`: a disk error on the broker.
    public static let kafkaStorageError = Self(rawValue: 56)
    /// `SASL_AUTHENTICATION_FAILED`: the broker rejected the SASL credentials.
    public static let saslAuthenticationFailed = Self(rawValue: 58)
    /// `FENCED_LEADER_EPOCH`: the client's leader epoch is older than the broker's.
    public static let fencedLeaderEpoch = Self(rawValue: 74)
    /// `UNKNOWN_LEADER_EPOCH`: the client's leader epoch is newer than the broker's.
    public static let unknownLeaderEpoch = Self(rawValue: 75)
    /// `OFFSET_NOT_AVAILABLE`: the leader's high watermark is not known yet.
    public static let offsetNotAvailable = Self(rawValue: 78)
    /// `FENCED_INSTANCE_ID`: a newer member joined with this member's `group.instance.id`.
    public static let fencedInstanceID = Self(rawValue: 82)
    /// `UNSTABLE_OFFSET_COMMIT`: a transactional offset commit is pending for the partition.
    public static let unstableOffsetCommit = Self(rawValue: 88)
    /// `THROTTLING_QUOTA_EXCEEDED`: the request was throttled.
    public static let throttlingQuotaExceeded = Self(rawValue: 89)
    /// `PRODUCER_FENCED`: a newer producer with the same `transactional.id` exists.
    public static let producerFenced = Self(rawValue: 90)
}
