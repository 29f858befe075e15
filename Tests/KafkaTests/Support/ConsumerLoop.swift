import Dispatch
import Foundation
import Kafka
import Synchronization

/// A consumer polling in a loop on its own thread, as the engine's worker does, recording
/// what it receives. Test code reads the records and can run actions on the polling thread.
final class ConsumerLoop: @unchecked Sendable {
    /// A received message and when it arrived.
    struct Received: Sendable {
        var message: KafkaMessage
        var at: ContinuousClock.Instant
    }

    /// A rebalance event, and when its handler started and finished.
    struct Rebalance: Sendable {
        var event: KafkaRebalanceEvent
        var started: ContinuousClock.Instant
        var finished: ContinuousClock.Instant
    }

    let consumer: KafkaConsumer
    /// What the loop saw.
    private struct Record: Sendable {
        var received: [Received] = []
        var rebalances: [Rebalance] = []
        var errors: [String] = []
        var refusedCommits: [KafkaError] = []
        var reportedErrors: [KafkaError] = []
    }

    private final class Log: Sendable {
        let state = Mutex(Record())

        func withLock<T: Sendable>(_ body: (inout Record) -> T) -> T {
            state.withLock { body(&$0) }
        }
    }

    private let log = Log()
    private let actions = Mutex<[@Sendable (KafkaConsumer) -> Void]>([])
    private let running = Atomic<Bool>(false)
    private let stopped = DispatchSemaphore(value: 0)
    private let closesOnStop: Bool
    private let commitsAfterPoll: Bool

    /// A loop over `consumer`. `onRebalance` runs inside the handler, on the polling thread,
    /// before the event is recorded as finished. With `commitsAfterPoll`, each poll's messages
    /// are committed after it (as a worker commits what it processed); refusals are recorded.
    init(
        _ consumer: KafkaConsumer, closesOnStop: Bool = true, commitsAfterPoll: Bool = false,
        onRebalance: @escaping @Sendable (ConsumerLoop, KafkaRebalanceEvent) -> Void = { _, _ in }) {
        self.consumer = consumer
        self.closesOnStop = closesOnStop
        self.commitsAfterPoll = commitsAfterPoll
        consumer.setRebalanceHandler { [log, unowned self] event in
            let started = ContinuousClock.now
            onRebalance(self, event)
            let finished = ContinuousClock.now
            log.withLock { $0.rebalances.append(Rebalance(event: event, started: started, finished: finished)) }
        }
    }

    /// For each of `partitions` that received messages, the offset after the last one the
    /// body saw: what a worker commits for the messages it processed.
    func processedOffsets(_ partitions: [KafkaTopicPartition]) -> [KafkaTopicPartitionOffset] {
        let received = self.received
        return partitions.compactMap { partition in
            received.last { $0.message.topicPartition == partition }.map { KafkaTopicPartitionOffset(partition, offset: $0.message.offset + 1) }
        }
    }

    /// Subscribes to `topics` and starts polling.
    func start(subscribing topics: [String]) throws {
        try consumer.subscribe(topics)
        start()
    }

    /// Starts polling (after `assign` or `subscribe`).
    func start() {
        running.store(true, ordering: .relaxed)
        let thread = Thread { [self] in
            while running.load(ordering: .relaxed) {
                for action in actions.withLock({ pending in defer { pending.removeAll() }; return pending }) {
                    action(consumer)
                }
                var processed: [KafkaTopicPartition: Int64] = [:]
                do {
                    let summary = try consumer.poll(maxMessages: 500, timeout: .milliseconds(50)) { view in
                        let received = Received(message: view.copy(), at: .now)
                        log.withLock { $0.received.append(received) }
                        processed[view.topicPartition] = view.offset + 1
                    }
                    if !summary.errors.isEmpty { log.withLock { $0.reportedErrors += summary.errors } }
                } catch {
                    log.withLock { $0.errors.append("\(error)") }
                }
                if commitsAfterPoll && !processed.isEmpty {
                    commit(processed)
                }
            }
            if closesOnStop {
                do { try consumer.close() } catch { log.withLock { $0.errors.append("close: \(error)") } }
            }
            stopped.signal()
        }
        thread.start()
    }

    /// Commits `processed` (next offset per partition); a refusal is recorded, not thrown.
    private func commit(_ processed: [KafkaTopicPartition: Int64]) {
        do {
            // A partition revoked during the poll was handed over: its new owner commits it.
            try consumer.commit(processed.filter { consumer.owns($0.key) }.map { KafkaTopicPartitionOffset($0.key, offset: $0.value) })
        } catch {
            let refusal = error as? KafkaError ?? KafkaError(.failure, "\(error)")
            log.withLock { $0.refusedCommits.append(refusal) }
        }
    }

    /// Stops polling (closing the consumer on its thread, unless told otherwise) and waits.
    func stop() async {
        guard running.exchange(false, ordering: .relaxed) else { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                self.stopped.wait()
                continuation.resume()
            }
        }
    }

    /// Runs `action` on the polling thread between two polls and returns its result.
    func perform<T: Sendable>(_ action: @escaping @Sendable (KafkaConsumer) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            actions.withLock { $0.append { consumer in continuation.resume(with: Result { try action(consumer) }) } }
        }
    }

    /// Messages received so far.
    var received: [Received] { log.withLock { $0.received } }
    /// Rebalances handled so far.
    var rebalances: [Rebalance] { log.withLock { $0.rebalances } }
    /// Commits the loop made after a poll that were refused (`commitsAfterPoll`).
    var refusedCommits: [KafkaError] { log.withLock { $0.refusedCommits } }
    /// Non-fatal errors polls reported (consumer errors and librdkafka's error callback).
    var reportedErrors: [KafkaError] { log.withLock { $0.reportedErrors } }
    /// Errors thrown by poll or close so far.
    var errors: [String] { log.withLock { $0.errors } }
    /// Values received so far, as text.
    var values: [String] { received.map { String(decoding: $0.message.value ?? [], as: UTF8.self) } }
}
