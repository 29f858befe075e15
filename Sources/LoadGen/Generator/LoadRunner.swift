/// Drives a generator into a sink, optionally pacing real time to the configured rate.
public enum LoadRunner {
    /// Writes every record of `generator` to `sink`, then finishes the sink. With `paced`,
    /// records go out at `configuration.rate` per second of wall time (checked every 1 000
    /// records, so the pace holds on average without a sleep per record).
    /// `progress` receives the records and value bytes written since its last call, every
    /// 1,000 records and at the end.
    public static func run(
        _ generator: LoadGenerator, into sink: any RecordSink, paced: Bool = false, progress: ((_ records: Int, _ bytes: Int) -> Void)? = nil
    ) async throws -> LoadSummary {
        let clock = ContinuousClock()
        let start = clock.now
        var written = 0
        var bytes = 0
        while let record = generator.next() {
            try await sink.write(record)
            written += 1
            bytes += (record.key?.count ?? 0) + (record.value?.count ?? 0)
            if written % 1_000 == 0 {
                progress?(1_000, bytes)
                bytes = 0
            }
            if paced && written % 1_000 == 0 {
                let due = start + .milliseconds(Int64(Double(written) / generator.configuration.rate * 1000))
                if due > clock.now { try await Task.sleep(until: due, clock: clock) }
            }
        }
        try await sink.finish()
        progress?(written % 1_000, bytes)
        return generator.summary
    }
}
