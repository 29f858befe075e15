/// When a consumer wakes its leader brokers' fetchers (see
/// `KafkaConsumerConfiguration.fetchWakeIntervalMs`): once a poll saw the prefetch queue full
/// (three quarters of `queued.min.messages`, or of `queued.max.messages.kbytes` estimated from the
/// messages' average size), the fetchers may have stopped; the first poll that leaves it below
/// half sends one wake-up (at most once per interval, a too early one deferred to the end of the
/// interval, not dropped: the next poll may be waiting for the very refill it would bring). A
/// consumer whose queue never fills, at the log's end or behind a slow producer, sends none. A
/// pure decision over the figures and times it is given (ms, any monotonic clock).
struct FetchWakeSchedule: Sendable {
    /// What to do after a poll.
    enum Decision: Equatable, Sendable {
        /// Nothing: the queue has not filled since the last wake-up, is still above half, or a
        /// wake-up is already scheduled or under way.
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
    /// The prefetch queue's message threshold (`queued.min.messages`).
    let queuedMinMessages: Int
    /// The prefetch queue's size threshold in bytes (`queued.max.messages.kbytes`).
    let queuedMaxBytes: Int
    private var lastMillis: Int64?
    private var state = State.idle
    /// The queue was seen full since the last wake-up.
    private var filled = false

    /// A schedule waking at most every `intervalMs` once a queue bounded by `queuedMinMessages`
    /// and `queuedMaxBytes` has filled and drained.
    init(intervalMs: Int64, queuedMinMessages: Int, queuedMaxBytes: Int) {
        self.intervalMs = intervalMs
        self.queuedMinMessages = queuedMinMessages
        self.queuedMaxBytes = queuedMaxBytes
    }

    /// After a poll that handed over `polled` messages of `polledBytes` payload bytes and left
    /// `queued` messages prefetched, at `nowMillis`.
    mutating func decide(queued: Int, polled: Int, polledBytes: Int, nowMillis: Int64) -> Decision {
        guard intervalMs > 0 else { return .none }
        let estimatedBytes = polled > 0 ? queued * (polledBytes / polled) : 0
        if queued >= queuedMinMessages / 4 * 3 || estimatedBytes >= queuedMaxBytes / 4 * 3 {
            filled = true
            return .none
        }
        guard filled, case .idle = state, queued < queuedMinMessages / 2, estimatedBytes < queuedMaxBytes / 2 else { return .none }
        filled = false
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
