import Foundation

/// Time as the pipeline reads it, injectable so tests move time without sleeping.
struct PipelineClock: Sendable {
    /// Monotonic milliseconds (windows, intervals).
    var monotonicMillis: @Sendable () -> Int64
    /// Wall-clock milliseconds since the epoch, UTC (batch ids, sweep ages).
    var wallMillis: @Sendable () -> Int64

    /// The system clocks.
    static let system = PipelineClock(
        monotonicMillis: {
            var spec = timespec()
            clock_gettime(CLOCK_MONOTONIC, &spec)
            return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
        },
        wallMillis: { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }
    )
}
