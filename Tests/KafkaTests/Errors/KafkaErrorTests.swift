import Failures
import Foundation
import Kafka
import MillraceTesting
import Testing

@Suite("KafkaError")
struct KafkaErrorTests {
    /// Every static member of `KafkaError.Code` with the name its doc comment gives: the names
    /// decide `isRetriable` and `isFencing`, so each one must be the code librdkafka means.
    static let named: [(KafkaError.Code, String)] = [
        (.badMessage, "_BAD_MSG"), (.destroyed, "_DESTROY"), (.failure, "_FAIL"), (.transport, "_TRANSPORT"),
        (.resolve, "_RESOLVE"), (.messageTimedOut, "_MSG_TIMED_OUT"), (.partitionEOF, "_PARTITION_EOF"),
        (.unknownPartition, "_UNKNOWN_PARTITION"), (.unknownTopic, "_UNKNOWN_TOPIC"), (.allBrokersDown, "_ALL_BROKERS_DOWN"),
        (.invalidArgument, "_INVALID_ARG"), (.timedOut, "_TIMED_OUT"), (.queueFull, "_QUEUE_FULL"), (.ssl, "_SSL"),
        (.waitingForCoordinator, "_WAIT_COORD"), (.unknownGroup, "_UNKNOWN_GROUP"), (.state, "_STATE"),
        (.notImplemented, "_NOT_IMPLEMENTED"), (.authentication, "_AUTHENTICATION"), (.noOffset, "_NO_OFFSET"),
        (.timedOutInQueue, "_TIMED_OUT_QUEUE"), (.unsupportedFeature, "_UNSUPPORTED_FEATURE"),
        (.purgedFromQueue, "_PURGE_QUEUE"), (.purgedInFlight, "_PURGE_INFLIGHT"), (.fatal, "_FATAL"),
        (.maxPollExceeded, "_MAX_POLL_EXCEEDED"), (.notConfigured, "_NOT_CONFIGURED"), (.fenced, "_FENCED"),
        (.assignmentLost, "_ASSIGNMENT_LOST"), (.unknown, "UNKNOWN"), (.noError, "NO_ERROR"),
        (.offsetOutOfRange, "OFFSET_OUT_OF_RANGE"), (.unknownTopicOrPartition, "UNKNOWN_TOPIC_OR_PART"),
        (.leaderNotAvailable, "LEADER_NOT_AVAILABLE"), (.notLeaderForPartition, "NOT_LEADER_FOR_PARTITION"),
        (.requestTimedOut, "REQUEST_TIMED_OUT"), (.brokerNotAvailable, "BROKER_NOT_AVAILABLE"),
        (.messageSizeTooLarge, "MSG_SIZE_TOO_LARGE"), (.offsetMetadataTooLarge, "OFFSET_METADATA_TOO_LARGE"),
        (.networkException, "NETWORK_EXCEPTION"), (.coordinatorLoadInProgress, "COORDINATOR_LOAD_IN_PROGRESS"),
        (.coordinatorNotAvailable, "COORDINATOR_NOT_AVAILABLE"), (.notCoordinator, "NOT_COORDINATOR"),
        (.notEnoughReplicas, "NOT_ENOUGH_REPLICAS"), (.notEnoughReplicasAfterAppend, "NOT_ENOUGH_REPLICAS_AFTER_APPEND"),
        (.illegalGeneration, "ILLEGAL_GENERATION"), (.unknownMemberID, "UNKNOWN_MEMBER_ID"),
        (.rebalanceInProgress, "REBALANCE_IN_PROGRESS"), (.topicAuthorizationFailed, "TOPIC_AUTHORIZATION_FAILED"),
        (.groupAuthorizationFailed, "GROUP_AUTHORIZATION_FAILED"), (.invalidProducerEpoch, "INVALID_PRODUCER_EPOCH"),
        (.concurrentTransactions, "CONCURRENT_TRANSACTIONS"), (.kafkaStorageError, "KAFKA_STORAGE_ERROR"),
        (.saslAuthenticationFailed, "SASL_AUTHENTICATION_FAILED"), (.fencedLeaderEpoch, "FENCED_LEADER_EPOCH"),
        (.unknownLeaderEpoch, "UNKNOWN_LEADER_EPOCH"), (.offsetNotAvailable, "OFFSET_NOT_AVAILABLE"),
        (.fencedInstanceID, "FENCED_INSTANCE_ID"), (.unstableOffsetCommit, "UNSTABLE_OFFSET_COMMIT"),
        (.throttlingQuotaExceeded, "THROTTLING_QUOTA_EXCEEDED"), (.producerFenced, "PRODUCER_FENCED"),
    ]

    @Test("every named code carries librdkafka's own name for that number (rd_kafka_err2name)")
    func namesMatchLibrdkafka() {
        for (code, name) in Self.named {
            #expect(code.name == name, "code \(code.rawValue)")
        }
        #expect(Set(Self.named.map(\.0)).count == Self.named.count, "two members share a number")
    }

    @Test("the list above covers every static member of KafkaError.Code")
    func listIsComplete() throws {
        let source = try String(
            contentsOf: PackagePaths.root.appendingPathComponent("Sources/Kafka/Errors/KafkaError+Code.swift"), encoding: .utf8)
        let declared = source.components(separatedBy: "public static let ").count - 1
        #expect(declared == Self.named.count, "KafkaError+Code.swift declares \(declared) codes; the test names \(Self.named.count)")
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
        let error = KafkaError(.illegalGeneration, "offset commit refused", underlying: Cause())
        #expect(error.description.contains("ILLEGAL_GENERATION (22)"))
        #expect(error.description.contains("offset commit refused"))
        #expect(error.underlying is Cause)
    }
}
