import Foundation

extension Duration {
    /// The duration in whole ms for a librdkafka timeout argument, clamped to `0 ... Int32.max`
    /// (librdkafka reads a negative timeout as "wait forever", which no caller here wants).
    var clampedMilliseconds: Int32 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000)
        guard !overflow else { return seconds < 0 ? 0 : .max }
        let milliseconds = scaled.addingReportingOverflow(attoseconds / 1_000_000_000_000_000)
        guard !milliseconds.overflow else { return .max }
        return Int32(clamping: max(0, milliseconds.partialValue))
    }
}

/// Blocks the calling thread for `duration`. Only for the synchronous API's retry waits, which
/// run on the caller's dedicated thread or the client's own queue, never the cooperative pool.
func blockingSleep(_ duration: Duration) {
    let (seconds, attoseconds) = duration.components
    Thread.sleep(forTimeInterval: Double(seconds) + Double(attoseconds) / 1e18)
}
