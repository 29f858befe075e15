import Synchronization

/// Counters a run's workers update and its reporter samples, from any thread.
public final class ProgressCounters: Sendable {
    private let recordsRead = Atomic<Int64>(0)
    private let bytesRead = Atomic<Int64>(0)
    private let unitsDone = Atomic<Int64>(0)
    private let unitsTotal = Atomic<Int64>(-1)

    /// Counters at zero, with the whole unknown.
    public init() {}

    /// Adds records and bytes read, and units of the whole done.
    public func add(records: Int64, bytes: Int64, done: Int64) {
        recordsRead.add(records, ordering: .relaxed)
        bytesRead.add(bytes, ordering: .relaxed)
        unitsDone.add(done, ordering: .relaxed)
    }

    /// Sets the units of the whole (once known).
    public func setTotal(_ total: Int64) {
        unitsTotal.store(total, ordering: .relaxed)
    }

    /// The counters now.
    public var sample: ProgressSample {
        let total = unitsTotal.load(ordering: .relaxed)
        return ProgressSample(
            records: recordsRead.load(ordering: .relaxed), bytes: bytesRead.load(ordering: .relaxed),
            done: unitsDone.load(ordering: .relaxed), total: total >= 0 ? total : nil)
    }
}
