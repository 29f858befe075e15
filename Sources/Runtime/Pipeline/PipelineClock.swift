import Engine
import Foundation

/// Time as the pipeline reads it, injectable so tests move time without sleeping.
public struct PipelineClock: Sendable {
    /// Monotonic milliseconds (windows, intervals, the commit deadline).
    public var monotonicMillis: @Sendable () -> Int64
    /// Wall-clock milliseconds since the epoch, UTC (batch ids, sweep ages).
    public var wallMillis: @Sendable () -> Int64

    /// A clock from its two readings.
    public init(monotonicMillis: @escaping @Sendable () -> Int64, wallMillis: @escaping @Sendable () -> Int64) {
        self.monotonicMillis = monotonicMillis
        self.wallMillis = wallMillis
    }

    /// The system clocks.
    public static let system = PipelineClock(
        monotonicMillis: CommitTiming.systemMonotonicMillis,
        wallMillis: { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }
    )
}
