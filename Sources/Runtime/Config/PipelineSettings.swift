/// How batches are cut. A batch closes at the first of: `window` elapsed, `max_batch_rows`
/// decoded rows, `max_batch_bytes` of decoded data, or the end of a bounded source.
public struct PipelineSettings: Sendable, Hashable, Codable, StrictlyDecodable {
    /// Processing time after which an open batch is committed. Default: `30s`.
    public var window: ConfigDuration = .seconds(30)
    /// Decoded rows after which a batch closes early. Default: `1000000`.
    public var maxBatchRows: Int = 1_000_000
    /// Decoded bytes after which a batch closes early; bounds memory. Default: `64MiB`.
    public var maxBatchBytes: ByteSize = .mebibytes(64)
    /// Messages larger than this go to the dead-letter queue as `oversized`. Default: `4MiB`.
    public var maxMessageBytes: ByteSize = .mebibytes(4)
    /// A staged Parquet file is split when it reaches this size. Default: `256MiB`.
    public var maxFileBytes: ByteSize = .mebibytes(256)
    /// Pending batches older than this are resolved by the sweep (committed if they won their
    /// fence, else deleted). A worker starts no fence attempt for a batch older than the grace
    /// minus the commit margin (`max_clock_skew` + `session.timeout.ms` + 3 ×
    /// `socket.timeout.ms` + 5 s), so the grace must be at least that margin plus the larger of
    /// `max.poll.interval.ms` and `session.timeout.ms`: 9m50s with librdkafka's defaults.
    /// Default: `15m`.
    public var sweepGrace: ConfigDuration = .minutes(15)
    /// The largest difference between two workers' wall clocks. A batch id carries the wall
    /// time of the host that made it, and the sweep compares it with its own; the skew is
    /// part of the commit margin below `sweep_grace`. Default: `1m`.
    public var maxClockSkew: ConfigDuration = .minutes(1)
    /// How long SIGTERM or SIGINT waits for the open batch to commit. Past it the worker exits
    /// with status 1 without finishing that batch, as a crash would: the group's next owner
    /// recovers it if its fence went through, or reads its records again. Keep it below the
    /// orchestrator's kill timeout (90 s in `deploy/`).
    /// Default: `60s`.
    public var shutdownGrace: ConfigDuration = .seconds(60)
    /// The Debezium connector's `unavailable.value.placeholder`, which it sends instead of an
    /// unchanged TOASTed value; columns carrying it are staged as unchanged (`_unchanged`).
    /// `hex:` and hex digits give raw bytes, as in the connector.
    /// Default: __debezium_unavailable_value.
    public var unavailableValuePlaceholder: String = "__debezium_unavailable_value"
    /// Threads the hot path may use: a batch's Parquet column chunks are encoded (values, pages,
    /// Snappy) on this many threads at once, and written in column order, so the staged files
    /// are the same at any number. 0 means the cores available to the process: the cgroup CPU
    /// quota where one is set (cgroup v2 `cpu.max`, v1 `cpu.cfs_quota_us`), else the processors
    /// it may run on. At most 256. Default: 0 (every available core).
    public var threads: Int = 0

    /// The defaults.
    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case window, maxBatchRows = "max_batch_rows", maxBatchBytes = "max_batch_bytes"
        case maxMessageBytes = "max_message_bytes", maxFileBytes = "max_file_bytes", sweepGrace = "sweep_grace"
        case maxClockSkew = "max_clock_skew", shutdownGrace = "shutdown_grace", unavailableValuePlaceholder = "unavailable_value_placeholder"
        case threads
    }

    static let knownKeys = CodingKeys.allCases.map(\.rawValue)

    public init(from decoder: any Decoder) throws {
        try Self.rejectUnknownKeys(in: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = PipelineSettings()
        window = try c.value(.window, default: d.window)
        maxBatchRows = try c.value(.maxBatchRows, default: d.maxBatchRows)
        maxBatchBytes = try c.value(.maxBatchBytes, default: d.maxBatchBytes)
        maxMessageBytes = try c.value(.maxMessageBytes, default: d.maxMessageBytes)
        maxFileBytes = try c.value(.maxFileBytes, default: d.maxFileBytes)
        sweepGrace = try c.value(.sweepGrace, default: d.sweepGrace)
        maxClockSkew = try c.value(.maxClockSkew, default: d.maxClockSkew)
        shutdownGrace = try c.value(.shutdownGrace, default: d.shutdownGrace)
        unavailableValuePlaceholder = try c.value(.unavailableValuePlaceholder, default: d.unavailableValuePlaceholder)
        threads = try c.value(.threads, default: d.threads)
    }

    /// The threads to use when `availableCores` cores are available: `threads`, or those
    /// cores when it is 0.
    public func threads(availableCores: Int) -> Int {
        threads > 0 ? threads : max(1, availableCores)
    }
}
