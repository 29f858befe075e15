import Synchronization

/// The pending delivery reports of one `send` call, completed from the producer's poll thread.
///
/// Each enqueued record gets a slot whose address is librdkafka's per-message opaque; the
/// delivery callback finds the batch and index through it. The batch keeps itself alive
/// (one retain) until its last report arrives, then resumes the waiting caller.
final class DeliveryBatch: @unchecked Sendable {
    private struct Slot {
        var batch: Unmanaged<DeliveryBatch>
        var index: Int
    }

    private struct State {
        var reports: [KafkaDeliveryReport?]
        var remaining: Int
        var continuation: CheckedContinuation<[KafkaDeliveryReport], Never>?
    }

    private let slots: UnsafeMutablePointer<Slot>
    private let count: Int
    private let state: Mutex<State>

    /// A batch for `count` records, holding one retain on itself until all are reported.
    init(count: Int) {
        self.count = count
        self.slots = .allocate(capacity: max(count, 1))
        self.state = Mutex(State(reports: Array(repeating: nil, count: count), remaining: count))
        let retained = Unmanaged.passRetained(self)
        if count == 0 {
            retained.release()
        }
        for index in 0..<count {
            (slots + index).initialize(to: Slot(batch: retained, index: index))
        }
    }

    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }

    /// The opaque to pass to librdkafka for record `index`.
    func opaque(for index: Int) -> UnsafeMutableRawPointer {
        UnsafeMutableRawPointer(slots + index)
    }

    /// Records the report of the record behind `opaque` (from the delivery callback).
    static func complete(opaque: UnsafeMutableRawPointer, with report: KafkaDeliveryReport) {
        let slot = opaque.assumingMemoryBound(to: Slot.self).pointee
        slot.batch.takeUnretainedValue().record(slot.index, report)
    }

    /// Records the report of record `index`; the last one resumes the waiter and drops the
    /// batch's retain on itself.
    func record(_ index: Int, _ report: KafkaDeliveryReport) {
        let finished = state.withLock { state -> (CheckedContinuation<[KafkaDeliveryReport], Never>?, [KafkaDeliveryReport])? in
            guard state.reports[index] == nil else { return nil }
            state.reports[index] = report
            state.remaining -= 1
            guard state.remaining == 0 else { return nil }
            defer { state.continuation = nil }
            return (state.continuation, state.reports.compactMap { $0 })
        }
        guard let (continuation, reports) = finished else { return }
        continuation?.resume(returning: reports)
        Unmanaged.passUnretained(self).release()
    }

    /// Waits for every report; `start` enqueues the records once the waiter is installed.
    func wait(start: @escaping @Sendable () -> Void) async -> [KafkaDeliveryReport] {
        await withCheckedContinuation { continuation in
            let done = state.withLock { state -> [KafkaDeliveryReport]? in
                if state.remaining == 0 { return state.reports.compactMap { $0 } }
                state.continuation = continuation
                return nil
            }
            if let done {
                continuation.resume(returning: done)
            } else {
                start()
            }
        }
    }
}
