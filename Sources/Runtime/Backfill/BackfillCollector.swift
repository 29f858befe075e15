import Staging
import Synchronization

/// Receives every batch a run commits, from any of its threads: the summary and the worker's
/// commit handler (evolved versions mirrored, the dry-run loader's SQL, the caller's callback)
/// see each committed batch once, one at a time.
final class BackfillCollector: Sendable {
    private struct State {
        var summary = RunSummary()
        var handler: (CommitRecord) -> Void
    }

    private let state: Mutex<State>

    /// A collector passing each batch to `handler` (`WorkerAssembly.commitHandler()`).
    init(handler: sending @escaping (CommitRecord) -> Void) {
        state = Mutex(State(handler: handler))
    }

    /// Takes a committed batch.
    func committed(_ record: CommitRecord) {
        state.withLock { state in
            state.summary.add(record)
            state.handler(record)
        }
    }

    /// Counts records read outside the range.
    func skipped(_ count: Int) {
        guard count > 0 else { return }
        state.withLock { $0.summary.outsideRange += count }
    }

    /// The totals so far.
    var summary: RunSummary { state.withLock { $0.summary } }
}
