/// When a consumer wakes its leader brokers' fetchers (see
/// `KafkaConsumerConfiguration.fetchWakeIntervalMs`): after a poll that filled its batch (the
/// consumer is behind: more was waiting) and left fewer messages prefetched than the queue's
/// threshold, at most once per interval and at the latest one
/// interval after such a poll (a wake-up too early is deferred, not dropped: the next poll may
/// be waiting for the very refill it would bring), one at a time. A pure decision over the
/// times it is given (ms, any monotonic clock). A consumer at the log's end polls short batches
/// and sends none: its fetchers are in long polls, not stalled behind a full queue.
struct FetchWakeSchedule: Sendable {
    /// What to do after a poll.
    enum Decision: Equatable, Sendable {
        /// Nothing: the consumer is not behind, the queue is full, or a wake-up is already
        /// scheduled or under way.
        case none
        /// Send a wake-up now.
        case now
        /// Send one after this many ms (then call `sending(nowMillis:)`).
        case after(Int64)
    }

    private enum State: Sendable {
        case idle
        case scheduled
        case sending
    }

    /// Least time between two wake-ups, ms; 0 disables them.
    let intervalMs: Int64
    /// The prefetch queue's message threshold (`queued.min.messages`): at or above it the
    /// queue is full and fetching is meant to wait.
    let queuedMinMessages: Int
    private var lastMillis: Int64?
    private var state = State.idle

    /// A schedule waking at most every `intervalMs` below `queuedMinMessages` queued messages.
    init(intervalMs: Int64, queuedMinMessages: Int) {
        self.intervalMs = intervalMs
        self.queuedMinMessages = queuedMinMessages
    }

    /// After a poll that left `queued` messages prefetched at `nowMillis`; `behind` when it
    /// handed over as many messages as it was allowed to.
    mutating func decide(queued: Int, behind: Bool, nowMillis: Int64) -> Decision {
        guard intervalMs > 0, behind, case .idle = state, queued < queuedMinMessages else { return .none }
        if let lastMillis, nowMillis - lastMillis < intervalMs {
            state = .scheduled
            return .after(lastMillis + intervalMs - nowMillis)
        }
        lastMillis = nowMillis
        state = .sending
        return .now
    }

    /// A deferred wake-up is being sent at `nowMillis`.
    mutating func sending(nowMillis: Int64) {
        lastMillis = nowMillis
        state = .sending
    }

    /// The wake-up under way has been sent (answered or not).
    mutating func finished() {
        state = .idle
    }
}
