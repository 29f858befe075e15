/// How the pipeline cuts batches and paces itself: derived from the configuration in one place
/// (`init(_:stopWhenDrained:)`), so no default is declared twice.
struct PipelineOptions: Sendable {
    /// Messages handed over per poll: enough to amortise the call, few enough that a batch
    /// closing between polls overshoots its row limit by little (at most a quarter of it).
    static let pollBatchLimit = 10_000
    /// Longest wait of one poll: a stop, a due job or a closing window waits at most this long.
    static let pollTimeout: Duration = .milliseconds(100)
    /// Longest wait for a topic's metadata (its partition count, read once per topic).
    static let metadataTimeout: Duration = .seconds(5)
    /// How often pending batches are swept, in ms (a batch is resolved once older than
    /// `pipeline.sweep_grace`, so a minute is fine-grained enough).
    static let sweepIntervalMillis: Int64 = 60_000
    /// The allowance on top of librdkafka's fetch wait for a heartbeat to qualify (see
    /// `HeartbeatWindow`), in ms.
    static let heartbeatAllowanceMillis: Int64 = 1_000

    /// When a batch closes (`pipeline.window`, `max_batch_rows`, `max_batch_bytes`).
    var windowMillis: Int64
    /// Decoded rows after which a batch closes early.
    var maxBatchRows: Int
    /// Decoded bytes (rows and dead letters) after which a batch closes early.
    var maxBatchBytes: Int
    /// Messages handed over per poll.
    var pollBatch: Int
    /// Stop once every assigned partition has been read to its end and committed (demo, tests).
    var stopWhenDrained: Bool
    /// Age after which the sweep resolves a pending batch (`pipeline.sweep_grace`), in ms.
    var sweepGraceMillis: Int64
    /// How long the loop may go without advancing, and a batch stay open, before the worker
    /// reports itself unhealthy (`Liveness`), in ms: twice the window plus the shutdown grace.
    var livenessBoundMillis: Int64
    /// How long before a batch closes a heartbeat must have been consumed to stand for its
    /// caught-up partitions: librdkafka's fetch wait (`fetch.wait.max.ms`, 500 ms unless set)
    /// plus `heartbeatAllowanceMillis`, in ms.
    var heartbeatMarginMillis: Int64

    /// The options `configuration` asks for.
    init(_ configuration: WorkerConfiguration, stopWhenDrained: Bool) {
        let pipeline = configuration.pipeline
        windowMillis = pipeline.window.milliseconds
        maxBatchRows = pipeline.maxBatchRows
        maxBatchBytes = pipeline.maxBatchBytes.bytes
        pollBatch = max(1, min(Self.pollBatchLimit, pipeline.maxBatchRows / 4))
        self.stopWhenDrained = stopWhenDrained
        sweepGraceMillis = pipeline.sweepGrace.milliseconds
        livenessBoundMillis = 2 * pipeline.window.milliseconds + pipeline.shutdownGrace.milliseconds
        heartbeatMarginMillis = (configuration.kafka.properties["fetch.wait.max.ms"].flatMap(Int64.init) ?? 500) + Self.heartbeatAllowanceMillis
    }
}
