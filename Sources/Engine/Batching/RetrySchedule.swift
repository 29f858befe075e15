public import Retry

/// When to try a failing operation again: after a full-jitter backoff that grows with each
/// consecutive failure, reset by a success. Pure: the caller gives the time and the random draw.
public struct RetrySchedule: Sendable, Hashable {
    /// The backoff between attempts.
    public let backoff: FullJitterBackoff
    /// Consecutive failures so far.
    public private(set) var failures = 0
    /// No attempt before this time (monotonic ms); nil when the next attempt may run at once.
    public private(set) var nextAttemptMillis: Int64?

    /// A schedule with `backoff`, nothing failed yet.
    public init(backoff: FullJitterBackoff) {
        self.backoff = backoff
    }

    /// Whether an attempt may run at `nowMillis`.
    public func isDue(nowMillis: Int64) -> Bool {
        nextAttemptMillis.map { nowMillis >= $0 } ?? true
    }

    /// Records a failure at `nowMillis` (`unitRandom` drawn uniformly from [0, 1)); returns when
    /// the next attempt may run.
    @discardableResult
    public mutating func failed(nowMillis: Int64, unitRandom: Double) -> Int64 {
        failures += 1
        let delay = backoff.delay(forRetry: failures, unitRandom: unitRandom)
        let next = nowMillis + delay.components.seconds * 1000 + delay.components.attoseconds / 1_000_000_000_000_000
        nextAttemptMillis = next
        return next
    }

    /// Records a success: the next failure starts from the first delay again.
    public mutating func succeeded() {
        failures = 0
        nextAttemptMillis = nil
    }
}
