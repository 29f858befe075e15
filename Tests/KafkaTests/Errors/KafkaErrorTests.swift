import Kafka
import Testing

@Suite("KafkaError")
struct KafkaErrorTests {
    @Test("every named code carries librdkafka's own name for that number")
    func namesMatchLibrdkafka() {
        let expected: [(KafkaError.Code, String)] = [
            (.illegalGeneration, "ILLEGAL_GENERATION"),
            (.unknownMemberID, "UNKNOWN_MEMBER_ID"),
            (.rebalanceInProgress, "REBALANCE_IN_PROGRESS"),
            (.fencedInstanceID, "FENCED_INSTANCE_ID"),
            (.assignmentLost, "_ASSIGNMENT_LOST"),
            (.maxPollExceeded, "_MAX_POLL_EXCEEDED"),
            (.fatal, "_FATAL"),
            (.timedOut, "_TIMED_OUT"),
            (.transport, "_TRANSPORT"),
            (.partitionEOF, "_PARTITION_EOF"),
            (.queueFull, "_QUEUE_FULL"),
            (.notCoordinator, "NOT_COORDINATOR"),
            (.coordinatorNotAvailable, "COORDINATOR_NOT_AVAILABLE"),
            (.notLeaderForPartition, "NOT_LEADER_FOR_PARTITION"),
            (.offsetMetadataTooLarge, "OFFSET_METADATA_TOO_LARGE"),
            (.producerFenced, "PRODUCER_FENCED"),
            (.invalidProducerEpoch, "INVALID_PRODUCER_EPOCH"),
            (.fenced, "_FENCED"),
            (.messageTimedOut, "_MSG_TIMED_OUT"),
            (.unstableOffsetCommit, "UNSTABLE_OFFSET_COMMIT"),
            (.throttlingQuotaExceeded, "THROTTLING_QUOTA_EXCEEDED"),
            (.invalidArgument, "_INVALID_ARG"),
            (.state, "_STATE"),
            (.noError, "NO_ERROR"),
        ]
        for (code, name) in expected {
            #expect(code.name == name, "code \(code.rawValue)")
        }
    }

    @Test("group fencing codes are fencing and never retriable", arguments: [
        KafkaError.Code.illegalGeneration, .unknownMemberID, .rebalanceInProgress, .fencedInstanceID, .assignmentLost, .producerFenced,
    ])
    func fencing(code: KafkaError.Code) {
        let error = KafkaError(code, "commit refused")
        #expect(error.isFencing)
        #expect(!error.isRetriable)
        #expect(!error.isFatal)
    }

    @Test("transient broker and coordinator faults are retriable", arguments: [
        KafkaError.Code.transport, .timedOut, .allBrokersDown, .notCoordinator, .coordinatorNotAvailable, .coordinatorLoadInProgress,
        .requestTimedOut, .notLeaderForPartition, .leaderNotAvailable, .waitingForCoordinator,
    ])
    func retriable(code: KafkaError.Code) {
        let error = KafkaError(code, "try again")
        #expect(error.isRetriable)
        #expect(!error.isFencing)
    }

    @Test("a fatal error is never retriable, even when librdkafka flags the code retriable")
    func fatalWins() {
        let error = KafkaError(.transport, "gone", fatal: true, retriable: true)
        #expect(error.isFatal)
        #expect(!error.isRetriable)
        #expect(KafkaError(.fatal, "fatal").isFatal)
        #expect(!KafkaError(.badMessage, "corrupt").isRetriable)
    }

    @Test("the description names the code and keeps the cause")
    func description() {
        struct Cause: Error {}
        let error = KafkaError(.illegalGeneration, "offset commit refused", cause: Cause())
        #expect(error.description.contains("ILLEGAL_GENERATION (22)"))
        #expect(error.description.contains("offset commit refused"))
        #expect(error.cause is Cause)
    }
}
