import Staging
import Synchronization

/// Receives every batch a run commits, from any of its threads: the summary, the dry-run
/// loader's SQL and the caller's callback see each committed batch once, one at a time.
final class BackfillCollector: Sendable {
    private struct State {
        var summary = RunSummary()
        var loader: DryRunLoader?
    }

    private let state: Mutex<State>
    private let onCommit: (@Sendable (CommitRecord) -> Void)?

    /// A collector printing SQL through `loader` (dry-run) and calling `onCommit` per batch.
    init(loader: DryRunLoader?, onCommit: (@Sendable (CommitRecord) -> Void)?) {
        state = Mutex(State(loader: loader))
        self.onCommit = onCommit
    }

    /// Takes a committed batch.
    func committed(_ record: CommitRecord) {
        state.withLock { state in
            state.summary.add(record)
            state.loader?.handle(record)
        }
        onCommit?(record)
    }

    /// Counts records read outside the range.
    func skipped(_ count: Int) {
        guard count > 0 else { return }
        state.withLock { $0.summary.outsideRange += count }
    }

    /// The totals so far.
    var summary: RunSummary { state.withLock { $0.summary } }
}
