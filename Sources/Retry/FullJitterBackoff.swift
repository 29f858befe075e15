/// Exponential backoff with full jitter: the delay before retry *n* (n ≥ 1) is drawn uniformly
/// from `[0, min(maxDelay, initialDelay × multiplier^(n−1)))`.
///
/// Full jitter spreads competing clients apart better than equal or decorrelated jitter, at the
/// same mean load ("Exponential Backoff And Jitter", AWS Architecture Blog, 2015); it is what the
/// AWS SDKs' standard retry mode uses.
public struct FullJitterBackoff: Sendable, Hashable {
    /// The ceiling of the first delay. Must be positive. Default: 100 ms.
    public var initialDelay: Duration
    /// The largest ceiling any delay may have. Default: 20 s (the AWS SDKs' standard mode cap).
    public var maxDelay: Duration
    /// How much the ceiling grows per retry. Must be ≥ 1. Default: 2.
    public var multiplier: Double

    /// A backoff; out-of-range values are clamped (a zero initial delay means no waiting).
    public init(initialDelay: Duration = .milliseconds(100), maxDelay: Duration = .seconds(20), multiplier: Double = 2) {
        self.initialDelay = max(initialDelay, .zero)
        self.maxDelay = max(maxDelay, self.initialDelay)
        self.multiplier = max(multiplier, 1)
    }

    /// The ceiling of the delay before retry number `retry` (1 for the first retry).
    public func ceiling(forRetry retry: Int) -> Duration {
        let initial = Self.nanoseconds(initialDelay)
        let cap = Self.nanoseconds(maxDelay)
        // Grow step by step so a large retry count saturates at the cap instead of overflowing.
        var ceiling = initial
        var step = 1
        while step < retry && ceiling < cap {
            ceiling *= multiplier
            step += 1
        }
        return .nanoseconds(Int64(min(ceiling, cap)))
    }

    /// The delay before retry number `retry`, given `unitRandom` drawn uniformly from [0, 1).
    public func delay(forRetry retry: Int, unitRandom: Double) -> Duration {
        let fraction = min(max(unitRandom, 0), 1)
        return .nanoseconds(Int64(Self.nanoseconds(ceiling(forRetry: retry)) * fraction))
    }

    private static func nanoseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) * 1e9 + Double(attoseconds) / 1e9
    }
}
