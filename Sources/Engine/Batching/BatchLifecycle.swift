public import Retry

/// The decisions of a worker's batch lifecycle, apart from its I/O: when the open batch closes,
/// what each outcome of committing it leads to, what a rebalance does to it, when the periodic
/// jobs run, and when the worker stops. The pipeline reports events (with the time, read from
/// its injected clock) and carries out the actions; this type reads no clock, does no I/O and is
/// tested without Kafka.
///
/// States and transitions:
///
///     starting ──started──▶ consuming ──stop──▶ stopping ──(final commit)──▶ stopped
///                              │  ▲
///        commit failed ────────┘  │ backoff over
///        (not in a rebalance)     │
///                              backingOff
///
///     any state ──a failure the worker must stop on──▶ failed
///
/// In `consuming`, a poll that leaves the open batch at its window or a limit (or, when the
/// worker runs until drained, every owned partition read to its end) closes it: `.commit`.
/// The commit's outcome decides what follows (see `committed(_:at:inRebalance:unitRandom:)`).
/// A revoke of partitions the open batch read commits it first, inside the rebalance; a loss
/// abandons it (the partitions are gone). A failed commit backs off with full jitter, except
/// inside a rebalance, which must not be held up.
public struct BatchLifecycle: Sendable {
    /// Where the worker is.
    public enum State: Sendable, Equatable {
        /// Dimensions loading, the group not joined yet.
        case starting
        /// Polling; a batch may be open.
        case consuming
        /// A commit failed: no poll before `untilMillis` (the open batch was abandoned and its
        /// partitions rewound, so nothing waits meanwhile).
        case backingOff(untilMillis: Int64)
        /// A stop was asked for: the open batch is committed, then the group left.
        case stopping
        /// The worker stopped after committing what it held.
        case stopped
        /// The worker must stop: `reason` says why (a failure inside a rebalance, where it
        /// could not be thrown, or one no retry can fix).
        case failed(reason: String)
    }

    /// What committing the open batch came to.
    public enum CommitOutcome: Sendable, Equatable {
        /// Committed: its offsets are fenced and its record written.
        case committed
        /// Fenced, its committed record not written yet: committed all the same (Kafka holds
        /// it), the record follows.
        case committedRecordDeferred
        /// The group refused the offsets before the request was sent: this worker no longer
        /// owns the partitions.
        case fenced
        /// The offset commit may have been applied: Kafka decides.
        case outcomeUnknown
        /// A schema version the batch evolved to was claimed by another worker with another
        /// declaration.
        case schemaConflict
        /// Any other failure before the fence (the store, the network); `fatal` when no retry
        /// can fix it (credentials refused, configuration).
        case failed(fatal: Bool)
    }

    /// What the pipeline does next.
    public enum Action: Sendable, Equatable {
        /// Nothing.
        case none
        /// Commit the open batch.
        case commit
        /// Start a new batch after the committed one (its schema versions join the catalog).
        case movePast
        /// Drop the open batch and rewind the partitions it read that this worker still owns,
        /// except those just lost.
        case abandon(exceptLost: Bool)
        /// Drop the open batch, then read Kafka's committed offsets: finish the batch if Kafka
        /// holds it, and resume its partitions from what Kafka holds.
        case resolveFromKafka
        /// Drop the open batch and adopt the version another worker claimed; its records are
        /// decoded again.
        case adoptClaimedVersion
        /// Drop the open batch and stop the worker.
        case stop(reason: String)
    }

    /// A periodic job the pipeline runs between polls.
    public enum Job: Sendable, Hashable, CaseIterable {
        /// Write committed records deferred after their fence.
        case writeDeferredRecords
        /// Reload snapshot dimensions due for a refresh, and apply followed changelogs.
        case refreshDimensions
        /// Resolve pending batches older than the sweep's grace.
        case sweep
    }

    /// Where the worker is.
    public private(set) var state: State = .starting
    /// When a batch closes.
    public let limits: BatchLimits
    /// Stop once every owned partition is read to its end (bounded runs).
    public let stopsWhenDrained: Bool
    /// How often the sweep runs, in ms.
    public let sweepIntervalMillis: Int64
    private var commitRetries: RetrySchedule
    private var deferredRetries: RetrySchedule
    private var lastSweepMillis: Int64?

    /// A lifecycle closing batches at `limits`, sweeping every `sweepIntervalMillis`, backing
    /// off failed commits and deferred records with `backoff`.
    public init(
        limits: BatchLimits, stopsWhenDrained: Bool = false, sweepIntervalMillis: Int64 = 60_000,
        backoff: FullJitterBackoff = FullJitterBackoff(initialDelay: .milliseconds(200), maxDelay: .seconds(30))
    ) {
        self.limits = limits
        self.stopsWhenDrained = stopsWhenDrained
        self.sweepIntervalMillis = sweepIntervalMillis
        commitRetries = RetrySchedule(backoff: backoff)
        deferredRetries = RetrySchedule(backoff: backoff)
    }

    /// The worker joined its group and starts polling.
    public mutating func started() {
        if state == .starting { state = .consuming }
    }

    /// Whether the worker may poll at `nowMillis`: consuming, or a backoff that is over.
    public mutating func mayPoll(nowMillis: Int64) -> Bool {
        if case .backingOff(let until) = state, nowMillis >= until { state = .consuming }
        return state == .consuming || state == .stopping
    }

    /// After a poll: `.commit` when the open batch (opened at `openedAtMillis`, nil when empty,
    /// holding `rows` rows of `bytes` bytes) reached its window or a limit, or when the worker
    /// runs until drained and every owned partition is read to its end (`drained`).
    public func afterPoll(nowMillis: Int64, openedAtMillis: Int64?, rows: Int, bytes: Int, drained: Bool) -> Action {
        guard openedAtMillis != nil else { return .none }
        if limits.shouldClose(openedAtMillis: openedAtMillis, nowMillis: nowMillis, rows: rows, bytes: bytes) { return .commit }
        return stopsWhenDrained && drained ? .commit : .none
    }

    /// Whether a bounded run is over: every owned partition read to its end, nothing open.
    public func isFinished(drained: Bool, batchIsEmpty: Bool) -> Bool {
        stopsWhenDrained && drained && batchIsEmpty
    }

    /// What follows a commit's `outcome` at `nowMillis`. A failure inside a rebalance does not
    /// back off (the rebalance must not be held up); elsewhere it backs off with full jitter
    /// (`unitRandom` drawn uniformly from [0, 1)). A fatal failure stops the worker.
    public mutating func committed(_ outcome: CommitOutcome, at nowMillis: Int64, inRebalance: Bool, unitRandom: Double) -> Action {
        switch outcome {
        case .committed, .committedRecordDeferred:
            commitRetries.succeeded()
            return .movePast
        case .fenced:
            return .abandon(exceptLost: false)
        case .outcomeUnknown:
            return .resolveFromKafka
        case .schemaConflict:
            return .adoptClaimedVersion
        case .failed(let fatal):
            if fatal {
                let reason = "a commit failed in a way no retry can fix"
                state = .failed(reason: reason)
                return .stop(reason: reason)
            }
            let until = commitRetries.failed(nowMillis: nowMillis, unitRandom: unitRandom)
            if !inRebalance && state == .consuming { state = .backingOff(untilMillis: until) }
            return .abandon(exceptLost: false)
        }
    }

    /// Partitions are about to be revoked: the open batch is committed first when it read any
    /// of them (`touched`).
    public func revoking(touched: Bool) -> Action {
        touched ? .commit : .none
    }

    /// Partitions were lost (another member owns them already): the open batch is abandoned
    /// when it read any of them, and only the partitions still owned are rewound.
    public func lost(touched: Bool) -> Action {
        touched ? .abandon(exceptLost: true) : .none
    }

    /// A failure the worker cannot go on after (reported from inside a rebalance, where it
    /// could not be thrown): the worker stops once the poll returns.
    public mutating func fail(_ reason: String) {
        state = .failed(reason: reason)
    }

    /// The worker was asked to stop: the open batch is committed, then the group left.
    public mutating func stopRequested() {
        switch state {
        case .failed, .stopped: break
        default: state = .stopping
        }
    }

    /// The final commit is done (or there was nothing to commit).
    public mutating func finished() {
        if state == .stopping || state == .consuming { state = .stopped }
    }

    /// The jobs due at `nowMillis`: deferred records while some wait (`hasDeferred`) and their
    /// backoff is over, the dimensions' refresh, and the sweep every `sweepIntervalMillis`.
    public mutating func jobsDue(nowMillis: Int64, hasDeferred: Bool) -> [Job] {
        var jobs: [Job] = []
        if !hasDeferred {
            deferredRetries.succeeded()
        } else if deferredRetries.isDue(nowMillis: nowMillis) {
            jobs.append(.writeDeferredRecords)
        }
        jobs.append(.refreshDimensions)
        if lastSweepMillis.map({ nowMillis - $0 >= sweepIntervalMillis }) ?? true {
            lastSweepMillis = nowMillis
            jobs.append(.sweep)
        }
        return jobs
    }

    /// How writing deferred records went at `nowMillis`: a failure backs off.
    public mutating func deferredRecords(succeeded: Bool, at nowMillis: Int64, unitRandom: Double) {
        if succeeded { deferredRetries.succeeded() } else { deferredRetries.failed(nowMillis: nowMillis, unitRandom: unitRandom) }
    }
}
