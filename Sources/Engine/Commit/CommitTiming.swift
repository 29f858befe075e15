#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How old a batch may be when its fence is attempted, by the committing process's own
/// monotonic clock.
///
/// Any worker's sweep resolves a pending batch once its id, which carries the wall time of the
/// host that made it, is older than `pipeline.sweep_grace` by the sweeper's wall clock, and
/// deletes it unless Kafka names it. A writer still fencing such a batch would lose its rows.
/// So a writer starts no fence attempt once a batch is `maxBatchAgeMillis` old, measured from
/// just before its id was made on the writer's monotonic clock (two hosts' wall clocks
/// disagree, and a wall clock can jump; a monotonic one does neither). The limit is the grace
/// minus a margin covering the clock skew between hosts and how late a started attempt can
/// still reach the coordinator (`WorkerConfiguration.commitTimingLimits`).
public struct CommitTiming: Sendable {
    /// The monotonic clock, in ms; only differences between its readings mean anything.
    public var monotonicMillis: @Sendable () -> Int64
    /// The age (ms, on `monotonicMillis`) after which no fence attempt starts; nil: no limit
    /// (a store no sweep of another process touches).
    public var maxBatchAgeMillis: Int64?

    /// A timing over `monotonicMillis` with the given limit. Default: the system's monotonic
    /// clock, no limit.
    public init(monotonicMillis: @escaping @Sendable () -> Int64 = CommitTiming.systemMonotonicMillis, maxBatchAgeMillis: Int64? = nil) {
        self.monotonicMillis = monotonicMillis
        self.maxBatchAgeMillis = maxBatchAgeMillis
    }

    /// `CLOCK_MONOTONIC` in ms: never jumps, does not count as wall time.
    public static func systemMonotonicMillis() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }
}
