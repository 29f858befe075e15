public import Engine
public import Staging

/// How one run of the worker differs from the configured production run.
public struct WorkerOptions: Sendable {
    /// Print the warehouse SQL instead of running it (`sqlOutput` receives it). Without
    /// `outputDirectory`, a dry-run also stages to `staging.local_dir` instead of S3. Default: false.
    public var dryRun = false
    /// Stage to this local folder (same layout and commit protocol) instead of the configured
    /// store, in any mode. Default: nil.
    public var outputDirectory: String?
    /// Stop once every assigned partition is read to its end and committed (demo, tests, bounded
    /// replays). Default: false (run until SIGTERM or SIGINT).
    public var stopWhenDrained = false
    /// Serve `/metrics`, `/healthz` and `/readyz` on `observability.listen`. Default: true.
    public var servesHealth = true
    /// The environment the AWS settings and credential chain read (`AWS_REGION`,
    /// `AWS_ACCESS_KEY_ID`, `AWS_PROFILE`, …); nil reads the process environment. Default: nil.
    public var environment: [String: String]?
    /// Tests only: throws `SimulatedCrash` at a protocol step to stop the worker dead.
    public var crashHook: CrashHook?
    /// The clocks of the pipeline and its commit deadline. Tests move them (a wall clock
    /// running ahead, as a skewed host's would). Default: `.system`.
    public var clock: PipelineClock = .system
    /// Called on the pipeline thread after each committed batch (reports, tests).
    public var onCommit: (@Sendable (CommitRecord) -> Void)?
    /// The telemetry to report into instead of a new one (tests read its exposition).
    /// Default: nil.
    public var telemetry: Telemetry?
    /// In dry-run, receives the SQL the loader would run for each committed batch.
    /// Default: nil (not printed).
    public var sqlOutput: (@Sendable (String) -> Void)?

    /// The production defaults.
    public init() {}
}
