public import Retry

/// When the loader runs its next cycle: at once when the last one left work behind, after the
/// rest of the interval when it caught up, soon again while another loader holds the lease,
/// and after a full-jitter backoff when it failed. Pure: the caller measures and sleeps.
public struct LoadSchedule: Sendable {
    /// The cadence (`warehouse.load_interval`).
    public var interval: Duration
    /// How soon to ask again for a lease another loader holds.
    public var leaseRetry: Duration
    /// Delays after failed cycles.
    public var backoff: FullJitterBackoff

    /// What the last cycle came to.
    public enum Outcome: Sendable, Hashable {
        /// It loaded; `behind` when a limit left work for the next cycle.
        case loaded(behind: Bool)
        /// Another loader holds the lease.
        case waitingForLease
        /// It failed, `consecutive` times in a row (1 for the first).
        case failed(consecutive: Int)
    }

    /// A schedule for `interval`, asking for a held lease every `leaseRetry` (at most the interval).
    public init(interval: Duration, leaseRetry: Duration = .seconds(30),
                backoff: FullJitterBackoff = FullJitterBackoff(initialDelay: .seconds(1), maxDelay: .seconds(60))) {
        self.interval = interval
        self.leaseRetry = min(leaseRetry, interval)
        self.backoff = backoff
    }

    /// The wait before the next cycle, after a cycle that took `took`; `unitRandom` in [0, 1)
    /// draws the jitter.
    public func delay(after outcome: Outcome, took: Duration, unitRandom: Double) -> Duration {
        switch outcome {
        case .loaded(let behind):
            return behind ? .zero : max(.zero, interval - took)
        case .waitingForLease:
            return leaseRetry
        case .failed(let consecutive):
            return min(interval, backoff.delay(forRetry: consecutive, unitRandom: unitRandom))
        }
    }
}
