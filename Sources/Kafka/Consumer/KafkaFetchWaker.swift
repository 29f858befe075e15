import Dispatch
import Synchronization

/// Wakes the broker threads of a consumer whose prefetch queue drained, so they fetch again at
/// once (see `KafkaConsumerConfiguration.fetchWakeIntervalMs`).
///
/// librdkafka 2.0.2 stops fetching a partition while the consumer queue holds
/// `queued.min.messages` messages or `queued.max.messages.kbytes` (`rd_kafka_toppar_fetch_decide`
/// in rdkafka_fetcher.c measures the queue the partition's fetch queue is forwarded to), and a
/// broker thread with nothing to fetch sleeps until an operation or a socket event arrives, or
/// `rd_kafka_max_block_ms` (1000 ms) passes (`rd_kafka_broker_consumer_serve` in
/// rdkafka_broker.c); nothing wakes it when the application drains the queue. Any request
/// queued for the broker is such an operation (`rd_kafka_broker_buf_enq_replyq` enqueues an
/// `XMIT_BUF` op on the broker's ops queue), after which its serve loop decides again and sends
/// the fetch. The wake-up is the smallest useful request: ListOffsets for the latest offset of
/// one assigned partition per leader broker, sent from a helper queue so the polling thread
/// never waits for it; its answer is ignored.
final class KafkaFetchWaker: Sendable {
    private struct Targets {
        /// The assignment the targets were chosen for, and when (ms).
        var assignment: Set<KafkaTopicPartition> = []
        var chosenAtMillis: Int64 = .min
        /// One assigned partition per leader broker.
        var partitions: [KafkaTopicPartition] = []
    }

    /// Leaders move rarely; the choice is refreshed this often (ms) and on every new assignment.
    private static let refreshMillis: Int64 = 10_000

    private let client: RDKafkaClient
    private let timeoutMs: Int32
    private let queue: DispatchQueue
    private let schedule: Mutex<FetchWakeSchedule>
    private let targets = Mutex(Targets())
    private let stopped = Atomic<Bool>(false)
    private let sent = Atomic<Int>(0)

    /// A waker for `client` following `schedule`; each wake-up waits at most `timeoutMs` for
    /// its answer (on the helper queue).
    init(client: RDKafkaClient, schedule: FetchWakeSchedule, timeoutMs: Int32) {
        self.client = client
        self.timeoutMs = timeoutMs
        self.schedule = Mutex(schedule)
        queue = DispatchQueue(label: "millrace.kafka.fetch-wake.\(client.name)")
    }

    /// How many wake-ups were sent.
    var wakeUps: Int { sent.load(ordering: .relaxed) }

    /// After a poll that left `queued` messages prefetched (`behind`: it filled its batch):
    /// sends a wake-up to the leaders of `assignment` when one is due, now or deferred to the
    /// end of the interval. Never blocks.
    func polled(queued: Int, behind: Bool, nowMillis: Int64, assignment: @autoclosure () -> Set<KafkaTopicPartition>) {
        guard !stopped.load(ordering: .relaxed) else { return }
        let decision = schedule.withLock { $0.decide(queued: queued, behind: behind, nowMillis: nowMillis) }
        let assigned: Set<KafkaTopicPartition>
        switch decision {
        case .none:
            return
        case .now:
            assigned = assignment()
            queue.async { [self] in send(to: assigned, nowMillis: nowMillis) }
        case .after(let delayMs):
            assigned = assignment()
            queue.asyncAfter(deadline: .now() + .milliseconds(Int(delayMs))) { [self] in
                let now = Self.nowMillis()
                schedule.withLock { $0.sending(nowMillis: now) }
                send(to: assigned, nowMillis: now)
            }
        }
    }

    /// The monotonic clock the consumer passes to `polled`, ms.
    static func nowMillis() -> Int64 {
        Int64(DispatchTime.now().uptimeNanoseconds / 1_000_000)
    }

    /// Sends one wake-up (on the helper queue).
    private func send(to assigned: Set<KafkaTopicPartition>, nowMillis: Int64) {
        defer { schedule.withLock { $0.finished() } }
        guard !stopped.load(ordering: .relaxed) else { return }
        let partitions = leaders(of: assigned, nowMillis: nowMillis)
        guard !partitions.isEmpty else { return }
        _ = try? client.offsetsForTimes(partitions.map { KafkaTopicPartitionOffset($0, offset: KafkaOffset.end) }, timeoutMs: timeoutMs)
        sent.add(1, ordering: .relaxed)
    }

    /// Sends no more wake-ups and waits for one under way (before the consumer closes); a
    /// deferred one still scheduled finds the waker stopped and sends nothing.
    func stop() {
        stopped.store(true, ordering: .relaxed)
        queue.sync {}
    }

    /// One partition of `assigned` per leader broker, from the topics' metadata (chosen again
    /// when the assignment changed or the choice is old). Runs on the helper queue.
    private func leaders(of assigned: Set<KafkaTopicPartition>, nowMillis: Int64) -> [KafkaTopicPartition] {
        let current = targets.withLock { $0 }
        if current.assignment == assigned && nowMillis - current.chosenAtMillis < Self.refreshMillis { return current.partitions }
        var byLeader: [Int32: KafkaTopicPartition] = [:]
        for topic in Set(assigned.map(\.topic)) {
            guard let metadata = try? client.topicMetadata(topic, timeoutMs: timeoutMs) else { continue }
            for partition in metadata.partitions where partition.leader >= 0 {
                let candidate = KafkaTopicPartition(topic: topic, partition: partition.id)
                if assigned.contains(candidate), byLeader[partition.leader] == nil { byLeader[partition.leader] = candidate }
            }
        }
        let chosen = byLeader.keys.sorted().compactMap { byLeader[$0] }
        // No leader known (metadata unanswered): asked again at the next wake-up.
        if !chosen.isEmpty { targets.withLock { $0 = Targets(assignment: assigned, chosenAtMillis: nowMillis, partitions: chosen) } }
        return chosen
    }
}
