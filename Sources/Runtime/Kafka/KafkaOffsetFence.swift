import Engine
import Kafka
import Retry
import Staging

/// The commit protocol's fence over a real consumer group: `commit` is the group offset commit,
/// with the batch id as metadata on every partition.
///
/// Transient faults are retried with the shared full-jitter policy. A fencing answer (stale
/// generation, unknown member, lost assignment) becomes `EngineError.fenced`. When retries run
/// out on an ambiguous failure (a timeout after the request may have landed) the committed
/// offsets are read back: if they already carry this batch's id, the commit happened; if they
/// cannot be read, the outcome is unknown (`.commitOutcomeUnknown`).
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
        var attempts = 0
        do {
            try retry.run(KafkaRetryLogic<Void>(), onRetry: { attempt in
                self.telemetry?.emit(.retry(component: "kafka-commit", reason: "\(attempt.cause)"))
            }) { _ in
                guard inTime() else { throw OutOfTime() }
                attempts += 1
                try consumer.commit(list)
            }
        } catch is OutOfTime where attempts == 0 {
            throw EngineError(.expired, "the batch is too old for its offsets to be committed")
        } catch let error as KafkaError where error.isFencing {
            throw EngineError(.fenced, "the group refused the offset commit: \(error)", underlying: error)
        } catch {
            let readBack: [SourcePartition: CommittedOffset]
            do {
                readBack = try committed(Array(offsets.keys))
            } catch let readError {
                throw EngineError(
                    .commitOutcomeUnknown,
                    "the offset commit failed (\(error)) and reading the offsets back failed too (\(readError))",
                    underlying: error)
            }
            if offsets.keys.allSatisfy({ readBack[$0]?.metadata == metadata && readBack[$0]?.offset == offsets[$0] }) {
                return
            }
            throw EngineError(.staging, "the offset commit failed after retries: \(error)", underlying: error, isRetriable: true)
        }
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
