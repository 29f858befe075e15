import Engine
import Kafka
import Retry
import Staging

/// The commit protocol's fence over a real consumer group: `commit` is the group offset commit,
/// with the batch id as metadata on every partition.
///
/// Transient faults are retried with the shared full-jitter policy, and no attempt starts once
/// the caller's `inTime` answers false. What the fence reports depends on whether an attempt
/// may have reached the coordinator. Only the consumer's own checks (a partition no longer
/// owned, a stale membership, invalid arguments, a closed consumer) refuse a commit before a
/// request is sent. Any other failure may follow a request the coordinator applied: a request
/// that timed out may still have been stored, and librdkafka retries a timed-out OffsetCommit
/// inside the same call (`rd_kafka_handle_OffsetCommit`, `RD_KAFKA_REQUEST_DEFAULT_RETRIES`),
/// so even a refusal such as `ILLEGAL_GENERATION` may answer the retry of a request that
/// landed. After such a failure the committed offsets are read back: if they carry this commit,
/// it happened; otherwise the outcome is unknown (`.commitOutcomeUnknown`) and the batch is
/// kept for `recover` and the sweep. `.fenced` is reported only when nothing was sent.
final class KafkaOffsetFence: OffsetFence {
    private let consumer: KafkaConsumer
    private let retry: RetryPolicy
    private let telemetry: Telemetry?
    private let timeout: Duration

    init(consumer: KafkaConsumer, retry: RetryPolicy = RetryPolicy(), telemetry: Telemetry?, timeout: Duration = .seconds(10)) {
        self.consumer = consumer
        self.retry = retry
        self.telemetry = telemetry
        self.timeout = timeout
    }

    func commit(_ offsets: [SourcePartition: Int64], metadata: String, while inTime: () -> Bool) throws {
        let list = offsets.sorted { $0.key < $1.key }.map {
            KafkaTopicPartitionOffset(topic: $0.key.topic, partition: $0.key.partition, offset: $0.value, metadata: metadata)
        }
        var mayHaveLanded = false
        do {
            try retry.run(KafkaRetryLogic<Void>(), onRetry: { attempt in
                self.telemetry?.emit(.retry(component: "kafka-commit", reason: "\(attempt.cause)"))
            }) { _ in
                guard inTime() else { throw OutOfTime() }
                do {
                    try consumer.commit(list)
                } catch {
                    if !Self.refusedBeforeSending(error) { mayHaveLanded = true }
                    throw error
                }
            }
            return
        } catch {
            if mayHaveLanded {
                try resolveFromKafka(offsets, metadata: metadata, failure: error)
                return
            }
            switch error {
            case is OutOfTime:
                throw EngineError(.expired, "the batch is too old for its offsets to be committed")
            case let error as KafkaError where error.isFencing:
                throw EngineError(.fenced, "the consumer refused the offset commit: \(error)", underlying: error)
            default:
                throw EngineError(.staging, "the offset commit failed after retries: \(error)", underlying: error, isRetriable: true)
            }
        }
    }

    /// After a failed commit that may have been applied: returns when Kafka holds exactly these
    /// offsets with this metadata (the commit happened), else throws `.commitOutcomeUnknown`.
    private func resolveFromKafka(_ offsets: [SourcePartition: Int64], metadata: String, failure: any Error) throws {
        let readBack: [SourcePartition: CommittedOffset]
        do {
            readBack = try committed(Array(offsets.keys))
        } catch let readError {
            throw EngineError(
                .commitOutcomeUnknown,
                "the offset commit failed (\(failure)) after an attempt that may have reached the coordinator, and reading the offsets back failed too (\(readError))",
                underlying: failure)
        }
        if offsets.allSatisfy({ readBack[$0.key]?.metadata == metadata && readBack[$0.key]?.offset == $0.value }) {
            return
        }
        throw EngineError(
            .commitOutcomeUnknown,
            "the offset commit failed (\(failure)) after an attempt that may have reached the coordinator, and Kafka does not hold it now; it may still be applied, so the batch is kept for recover and the sweep",
            underlying: failure)
    }

    /// True for the failures `KafkaConsumer.commit` raises before sending any request.
    private static func refusedBeforeSending(_ error: any Error) -> Bool {
        guard let error = error as? KafkaError else { return false }
        return [.assignmentLost, .invalidArgument, .offsetMetadataTooLarge, .state].contains(error.code)
    }

    func committed(_ partitions: [SourcePartition]) throws -> [SourcePartition: CommittedOffset] {
        let answer = try retry.run(KafkaRetryLogic<[KafkaTopicPartitionOffset]>()) { _ in
            try consumer.committed(partitions.map { KafkaTopicPartition(topic: $0.topic, partition: $0.partition) }, timeout: timeout)
        }
        var result: [SourcePartition: CommittedOffset] = [:]
        for entry in answer where entry.offset >= 0 {
            result[SourcePartition(topic: entry.topic, partition: entry.partition)] = CommittedOffset(offset: entry.offset, metadata: entry.metadata)
        }
        return result
    }

    func owns(_ partition: SourcePartition) -> Bool {
        consumer.owns(KafkaTopicPartition(topic: partition.topic, partition: partition.partition))
    }
}

/// No further commit attempt may start (`OffsetFence.commit`'s `inTime` answered false).
private struct OutOfTime: Error {}

/// Kafka's classification of faults for the shared retry loop.
struct KafkaRetryLogic<Response>: RetryLogic {
    typealias Failure = any Error

    func isRetriable(_ error: any Error) -> Bool {
        (error as? KafkaError)?.isRetriable ?? false
    }
}
