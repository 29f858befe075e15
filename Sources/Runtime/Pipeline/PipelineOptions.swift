/// How the pipeline cuts batches and paces itself.
struct PipelineOptions: Sendable {
    /// Processing time after which an open batch is committed, in ms.
    var windowMillis: Int64
    /// Decoded rows after which a batch closes early.
    var maxBatchRows: Int
    /// Decoded bytes (rows and dead letters) after which a batch closes early.
    var maxBatchBytes: Int
    /// Messages handed over per poll.
    var pollBatch = 10_000
    /// Longest wait of one poll.
    var pollTimeout: Duration = .milliseconds(100)
    /// Stop once every assigned partition has been read to its end and committed (demo, tests).
    var stopWhenDrained = false
    /// How often pending batches are swept, in ms.
    var sweepIntervalMillis: Int64 = 60_000
    /// How long the loop may go without advancing, and a batch stay open, before the worker
    /// reports itself unhealthy (`Liveness`), in ms: twice the window plus the shutdown grace.
    var livenessBoundMillis: Int64 = 120_000
    /// Age after which the sweep resolves a pending batch, in ms.
    var sweepGraceMillis: Int64 = 15 * 60_000
    /// How long before a batch closes a heartbeat must have been consumed to stand for its
    /// caught-up partitions: librdkafka's fetch wait (`fetch.wait.max.ms`, 500 ms) plus a
    /// second's allowance (see `HeartbeatWindow`), in ms.
    var heartbeatMarginMillis: Int64 = 1_500
}
