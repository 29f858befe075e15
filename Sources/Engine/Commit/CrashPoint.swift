/// Points of the commit protocol where tests inject a crash (`kill -9` in process form).
///
/// A crash hook throws at the named point; the pipeline then stops without any cleanup, exactly
/// as a killed process would, and a restarted worker must recover from what was left behind.
public enum CrashPoint: String, Sendable, Hashable, CaseIterable {
    /// The intent record is written; no file yet.
    case afterIntent
    /// A schema version the batch evolved to is claimed; no file is written.
    case afterSchemaClaim
    /// One staged file is written; others may not be.
    case afterFileWrite
    /// Every file is written.
    case afterUpload
    /// The ready record is written; the fence commit has not run.
    case afterReadyRecord
    /// The fence commit failed after an attempt that may have been applied, and Kafka did not
    /// show it: the batch is kept (ready record and files) for `recover` and the sweep.
    case afterUncertainFence
    /// The fence commit succeeded; the committed record is not written.
    case afterOffsetCommit
    /// The committed record is written; the pending record is not deleted.
    case afterCommitRecord
}

/// Throws at a crash point to simulate a killed process (tests only; nil in production).
/// It throws `SimulatedCrash`, which is not a `MillraceError`: the engine cleans up only after
/// its own errors, so a crash goes through untouched, as `kill -9` would leave things.
public typealias CrashHook = @Sendable (CrashPoint) throws -> Void

/// The error a crash hook throws: the pipeline stops dead, cleaning nothing up, as `kill -9`
/// would leave it.
public struct SimulatedCrash: Error, Sendable, Hashable {
    /// Where the crash happened.
    public var point: CrashPoint

    /// A crash at `point`.
    public init(at point: CrashPoint) {
        self.point = point
    }
}
