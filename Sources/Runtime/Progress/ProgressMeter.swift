/// What a bounded run has done so far, as its reporter samples it.
public struct ProgressSample: Sendable, Hashable {
    /// Records read.
    public var records: Int64
    /// Bytes read (message values and keys, file bytes, row text).
    public var bytes: Int64
    /// Units of the whole done (offsets of the range, bytes of the input files, ms of the time range).
    public var done: Int64
    /// Units in the whole; nil when unknown (no percent, no ETA).
    public var total: Int64?

    /// A sample.
    public init(records: Int64, bytes: Int64, done: Int64, total: Int64?) {
        self.records = records
        self.bytes = bytes
        self.done = done
        self.total = total
    }
}

/// The figures a progress line or bar shows.
public struct ProgressFigures: Sendable, Hashable {
    /// Time since the run started, ms.
    public var elapsedMillis: Int64
    /// Records read.
    public var records: Int64
    /// Bytes read.
    public var bytes: Int64
    /// Current rate (over the meter's window), records per second.
    public var recordsPerSecond: Double
    /// Current rate, bytes per second.
    public var bytesPerSecond: Double
    /// Share of the whole done, 0 ... 100; nil when the whole is unknown.
    public var percent: Double?
    /// Estimated seconds left at the current rate; nil when the whole is unknown or nothing moves.
    public var etaSeconds: Double?
}

/// The decisions behind progress reporting, free of I/O and of the system clock (every call
/// takes the time): rates over a sliding window, percent of the whole, ETA, and when the next
/// line is due.
///
/// Rates are measured over the last `rateWindowMillis` (the first seconds use everything since
/// the start), so a run that slows down shows it within one window; the ETA divides what is
/// left by the rate at which `done` grows over the same window.
public struct ProgressMeter: Sendable {
    /// Least time between two reports, ms.
    public let intervalMillis: Int64
    /// Width of the rate window, ms.
    public let rateWindowMillis: Int64
    private let startMillis: Int64
    private var lastReportMillis: Int64
    private var samples: [(millis: Int64, sample: ProgressSample)] = []

    /// A meter for a run started at `startMillis`, reporting at most every `intervalMillis`.
    public init(startMillis: Int64, intervalMillis: Int64, rateWindowMillis: Int64 = 10_000) {
        self.startMillis = startMillis
        self.intervalMillis = max(1, intervalMillis)
        self.rateWindowMillis = max(1, rateWindowMillis)
        self.lastReportMillis = startMillis
        samples = [(startMillis, ProgressSample(records: 0, bytes: 0, done: 0, total: nil))]
    }

    /// True when a report is due at `nowMillis` (an interval since the last one); the caller
    /// then reports, and the next one is due an interval later.
    public mutating func isDue(nowMillis: Int64) -> Bool {
        guard nowMillis - lastReportMillis >= intervalMillis else { return false }
        lastReportMillis = nowMillis
        return true
    }

    /// Records `sample` taken at `nowMillis` and returns the figures to show.
    public mutating func figures(_ sample: ProgressSample, nowMillis: Int64) -> ProgressFigures {
        samples.append((nowMillis, sample))
        // Keep the newest sample at or before the window's start, as the window's base.
        while samples.count > 2 && samples[1].millis <= nowMillis - rateWindowMillis {
            samples.removeFirst()
        }
        let base = samples[0]
        let seconds = Double(max(0, nowMillis - base.millis)) / 1000
        func rate(_ now: Int64, _ then: Int64) -> Double { seconds > 0 ? Double(max(0, now - then)) / seconds : 0 }
        let doneRate = rate(sample.done, base.sample.done)
        var percent: Double?
        var eta: Double?
        if let total = sample.total {
            percent = total > 0 ? min(100, Double(sample.done) * 100 / Double(total)) : 100
            let left = max(0, total - sample.done)
            if left == 0 {
                eta = 0
            } else if doneRate > 0 {
                eta = Double(left) / doneRate
            }
        }
        return ProgressFigures(
            elapsedMillis: max(0, nowMillis - startMillis), records: sample.records, bytes: sample.bytes,
            recordsPerSecond: rate(sample.records, base.sample.records), bytesPerSecond: rate(sample.bytes, base.sample.bytes),
            percent: percent, etaSeconds: eta)
    }
}
