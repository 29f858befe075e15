import Failures
public import Staging

/// Commits batches to a staging store exactly once, fenced by the Kafka group's offset commit.
///
/// The protocol for one batch (docs/ARCHITECTURE.md, "The commit protocol", numbers the same):
/// 1. Intent, `begin`: write the pending record in state `writing` (its offset ranges and the
///    key prefixes of the files it will write).
/// 2. Claims, `claimSchemaVersion`: before any file, claim every schema version the batch
///    evolved to (`EvolvedSchemas`).
/// 3. Files: the caller writes the data and dead-letter files.
/// 4. Ready, `commit`: rewrite the pending record in state `ready` with every file.
/// 5. Fence: commit the end offsets to Kafka with the batch id as metadata. The group
///    coordinator refuses the commit of a member that lost its partitions, so a zombie cannot
///    commit.
/// 6. Committed: write the evolved schema versions the batch introduced and the committed
///    record under `commits/`, then delete the pending one.
///
/// The fence commit is the single atomic decision: a batch is committed if and only if Kafka
/// holds its id as the metadata of its offsets. Everything after it is idempotent roll-forward
/// (`recover`, on assignment, finishes step 6 for a batch whose worker died after step 5);
/// everything before it is garbage if the worker dies (`sweep` deletes it after a grace period).
/// Every committed Kafka offset is therefore covered by exactly one committed record.
///
/// Once the fence may have committed a batch, nothing the batch wrote is deleted by its own
/// worker: a failure to write the committed record is `.finalizeDeferred` and a commit whose
/// outcome is unknown is `.commitOutcomeUnknown` (`recover` or `sweep` decides from what Kafka
/// holds).
///
/// A deferred batch is finished by this committer before it fences another: `begin` refuses
/// to start a batch while one is deferred and its record still cannot be written. That keeps
/// the invariant `recover` and `sweep` rely on: a partition's committed metadata names the
/// newest fenced batch, and every older fenced batch has its committed record. Were a newer
/// fence allowed first, Kafka would no longer name the deferred batch, and the sweep would take
/// it for one that lost its fence and delete rows whose offsets are committed.
///
/// No fence attempt starts for a batch older than `CommitTiming.maxBatchAgeMillis` by this
/// process's monotonic clock: past it, another worker's sweep may be deleting the batch.
public final class StagingCommitter {
    private let store: any StagingStore
    private let fence: any OffsetFence
    private let layout: StagingLayout
    /// The evolved versions' claims and committed copies.
    private var evolved: EvolvedSchemas { EvolvedSchemas(store: store, layout: layout) }
    private let crashHook: CrashHook?
    /// The group `fence` commits to when it is not the live worker's; stamped on every record.
    private let fenceGroup: String?
    private let timing: CommitTiming
    /// Batches fenced by this committer whose committed record is not written yet, oldest first.
    private var deferred: [CommitRecord] = []
    /// When each begun batch started, on `timing`'s monotonic clock (removed once resolved).
    private var started: [BatchID: Int64] = [:]

    /// A committer over `store`, fenced by `fence`, refusing to fence batches older than
    /// `timing` allows. `fenceGroup` names the group `fence` commits to when it is not the live
    /// worker's (a backfill's): its records carry it, and each committer's sweep resolves only
    /// records of its own fence.
    public init(
        store: any StagingStore, fence: any OffsetFence, layout: StagingLayout, fenceGroup: String? = nil, crashHook: CrashHook? = nil,
        timing: CommitTiming = CommitTiming()
    ) {
        self.store = store
        self.fence = fence
        self.layout = layout
        self.fenceGroup = fenceGroup
        self.crashHook = crashHook
        self.timing = timing
    }

    /// Step 1: records the batch's intent (state `writing`). First finishes any batch whose
    /// committed record was deferred; throws a retriable `.staging` error while that fails.
    /// `startedAtMillis` is when the batch's id was made, read on the timing's monotonic clock
    /// just before (nil: now), the start of its age.
    public func begin(_ record: CommitRecord, startedAtMillis: Int64? = nil) throws {
        let start = startedAtMillis ?? timing.monotonicMillis()
        do {
            try finishDeferred()
        } catch let error as any MillraceError {
            throw EngineError(
                .staging,
                "batch \(deferred.first?.batchID.description ?? "?") is committed but its committed record cannot be written yet; no other batch is fenced before it is",
                underlying: error, isRetriable: true)
        }
        var intent = record
        intent.state = .writing
        intent.fenceGroup = fenceGroup
        try store.put(layout.pendingKey(record.batchID), data: try intent.encoded())
        started[record.batchID] = start
        try crashHook?(.afterIntent)
    }

    /// Step 2, before any file: claims `version` of `table` for `definition` (its `Schemas/`
    /// YAML), so that no two declarations ever share a number. Positional COPY loads a file by
    /// its version's column order, so two workers evolving a table differently at the same
    /// time must not both stage files as one version.
    ///
    /// The claim is a separate object, created once with the store's atomic create; the
    /// version itself is written only when the batch commits (`finalize`). A number already
    /// committed or claimed with the same declaration is this batch's to use; with another
    /// declaration the claim is lost: throws `.schemaConflict` carrying the holder's
    /// declaration. A committed version is checked first, for versions committed by builds
    /// that did not claim.
    public func claimSchemaVersion(table: String, version: Int, definition: String) throws {
        switch try evolved.claim(table: table, version: version, definition: definition) {
        case .held:
            return
        case .claimedNow:
            try crashHook?(.afterSchemaClaim)
        case .lost(let holder):
            throw EngineError(
                .schemaConflict, "version \(version) of \(table) belongs to another declaration; this batch stages nothing under it",
                underlying: SchemaVersionConflict(table: table, version: version, definition: holder))
        }
    }

    /// Steps 4 to 6: marks ready, fences and commits a batch whose files are all written, returning the
    /// committed record. Throws `.fenced` (after cleaning up) when this worker lost a partition.
    /// Throws `.expired` (after cleaning up) when the batch grew too old before its fence.
    public func commit(_ record: CommitRecord) throws -> CommitRecord {
        var ready = record
        ready.state = .ready
        ready.fenceGroup = fenceGroup
        defer { started[ready.batchID] = nil }
        try crashHook?(.afterUpload)
        for source in ready.sources where !fence.owns(source.source) {
            abandon(ready)
            throw EngineError(.fenced, "batch \(ready.batchID) covers \(source.source), which this worker no longer owns")
        }
        try store.put(layout.pendingKey(ready.batchID), data: try ready.encoded())
        try crashHook?(.afterReadyRecord)
        let offsets = Dictionary(uniqueKeysWithValues: ready.sources.map { ($0.source, $0.endOffset) })
        do {
            try fence.commit(offsets, metadata: ready.batchID.rawValue) { isInTime(ready.batchID) }
        } catch let error as EngineError where error.code == .fenced || error.code == .expired {
            abandon(ready)
            throw error
        } catch let error as EngineError where error.code == .commitOutcomeUnknown {
            // An attempt may have been applied: nothing is deleted; Kafka decides later.
            try crashHook?(.afterUncertainFence)
            throw error
        }
        // From here on the batch is committed: nothing it wrote may be deleted.
        try crashHook?(.afterOffsetCommit)
        do {
            return try finalize(ready)
        } catch let error as any MillraceError {
            deferred.append(ready)
            throw EngineError(
                .finalizeDeferred,
                "batch \(ready.batchID) is committed, but its committed record could not be written yet; it is written before the next batch is fenced",
                underlying: error)
        }
    }

    /// True while `batch` is young enough for a fence attempt to start (see `CommitTiming`).
    private func isInTime(_ batch: BatchID) -> Bool {
        guard let limit = timing.maxBatchAgeMillis, let start = started[batch] else { return true }
        return timing.monotonicMillis() - start <= limit
    }

    /// Whether a batch this committer fenced still waits for its committed record.
    public var hasDeferred: Bool { !deferred.isEmpty }

    /// Writes the committed records of the batches whose finalize failed after their fence,
    /// oldest first, and returns them as committed; throws the first failure (that batch and the
    /// later ones stay deferred). `begin` calls it; call it also while idle, so the loader sees
    /// the batch without waiting for the next one.
    @discardableResult
    public func finishDeferred() throws -> [CommitRecord] {
        var finished: [CommitRecord] = []
        while let first = deferred.first {
            finished.append(try finalize(first))
            deferred.removeFirst()
        }
        return finished
    }

    /// Deletes everything an uncommitted batch wrote (best effort: the sweep retries later).
    ///
    /// Nothing is deleted once the batch's committed record exists, nor when that cannot be
    /// checked: every key a batch writes carries its id (`KeyTemplate` requires `{file}`, the
    /// dead-letter and pending keys are named by it), so its own record is the only committed
    /// record that can list them. The check comes after listing, right before deleting.
    public func abandon(_ record: CommitRecord) {
        started[record.batchID] = nil
        var keys: [String] = []
        for prefix in record.plannedPrefixes {
            keys += ((try? store.list(prefix: prefix)) ?? []).map(\.key)
        }
        keys += record.files.map(\.key)
        keys.append(layout.pendingKey(record.batchID))
        do {
            guard try store.get(layout.commitKey(record.batchID)) == nil else { return }
            try store.delete(Array(Set(keys)).sorted())
        } catch {
            return
        }
    }

    /// Finishes the commit of any batch named by the committed offsets of `partitions` whose
    /// committed record is missing (its worker died after the fence). Call it for newly assigned
    /// partitions before processing them.
    ///
    /// A batch named by Kafka with neither a committed nor a ready record is reported in
    /// `unrecorded` rather than thrown: its records expired (see the staging lifecycle rule) or
    /// were deleted by hand, or a bug lost them; the offsets are committed whatever happens
    /// here, so the caller must raise an alert (its rows are not staged).
    public func recover(_ partitions: [SourcePartition]) throws -> Recovery {
        let committed = try fence.committed(partitions)
        let batches = Set(committed.values.compactMap { $0.metadata.flatMap(BatchID.init) })
        var recovery = Recovery()
        for batch in batches.sorted() {
            if try store.get(layout.commitKey(batch)) != nil {
                try store.delete([layout.pendingKey(batch)])
                continue
            }
            guard let pending = try store.record(layout.pendingKey(batch)), pending.state == .ready else {
                // Its writer may have finished it between the two reads.
                if try store.get(layout.commitKey(batch)) == nil { recovery.unrecorded.append(batch) }
                continue
            }
            _ = try finalize(pending)
            recovery.finished.append(batch)
        }
        return recovery
    }

    /// What `recover` found for newly assigned partitions.
    public struct Recovery: Sendable, Equatable {
        /// Batches committed in Kafka whose committed record `recover` wrote.
        public var finished: [BatchID] = []
        /// Batches committed in Kafka with no record left in the staging store.
        public var unrecorded: [BatchID] = []

        /// A report of `finished` and `unrecorded` batches.
        public init(finished: [BatchID] = [], unrecorded: [BatchID] = []) {
            self.finished = finished
            self.unrecorded = unrecorded
        }
    }

    /// Resolves pending records older than `graceMillis` at `nowMillis`: those whose batch won
    /// its fence are committed (rolled forward), the others are abandoned and deleted. The grace
    /// must exceed the longest time a live worker can hold a batch: its writer refuses to fence
    /// a batch older than the grace minus a margin (see `CommitTiming`). Records fenced by
    /// another group (`CommitRecord.fenceGroup`) are left alone: only their own group's offsets
    /// tell whether they won (a backfill beside the live worker, and the live worker beside a
    /// backfill, each sweep their own).
    ///
    /// Kafka is read first, the committed record second: a live writer that fences the batch
    /// and writes its record between the two reads, then fences a newer batch on the same
    /// partitions (so Kafka no longer names this one), is seen by the second read. Read the
    /// other way round, neither read would see the batch committed.
    public func sweep(nowMillis: Int64, graceMillis: Int64) throws -> (committed: [BatchID], abandoned: [BatchID]) {
        var committed: [BatchID] = []
        var abandoned: [BatchID] = []
        for object in try store.list(prefix: StagingLayout.pendingPrefix) {
            guard let record = try store.record(object.key), record.fenceGroup == fenceGroup,
                nowMillis - record.batchID.createdAtMillis > graceMillis
            else {
                continue
            }
            let offsets = try fence.committed(record.sources.map(\.source))
            // A batch whose committed record exists is committed, whatever Kafka holds now.
            if try store.get(layout.commitKey(record.batchID)) != nil {
                try store.delete([object.key])
                continue
            }
            let won = offsets.values.contains { $0.metadata == record.batchID.rawValue }
            if won && record.state == .ready {
                _ = try finalize(record)
                committed.append(record.batchID)
            } else {
                abandon(record)
                abandoned.append(record.batchID)
            }
        }
        return (committed, abandoned)
    }

    /// Step 6: the evolved schema versions the batch introduced, then its committed record, then
    /// the pending record's removal. Every step is idempotent, so `recover`, `sweep` and
    /// `finishDeferred` may repeat it.
    private func finalize(_ ready: CommitRecord) throws -> CommitRecord {
        var final = ready
        final.state = .committed
        try evolved.commit(versionsOf: ready)
        try store.put(layout.commitKey(final.batchID), data: try final.encoded())
        try crashHook?(.afterCommitRecord)
        try store.delete([layout.pendingKey(final.batchID)])
        return final
    }
}
