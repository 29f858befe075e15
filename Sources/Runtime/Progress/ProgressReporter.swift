import Foundation
import Retry
import Synchronization

/// Shows a run's progress on standard error while it runs: on a terminal a bar redrawn in place
/// every `barIntervalMillis`; otherwise a line every `lineIntervalMillis`. The figures and the
/// timing come from `ProgressMeter`; this type only samples the counters and writes.
public final class ProgressReporter: Sendable {
    /// How progress is shown.
    public enum Mode: Sendable {
        /// A bar redrawn in place (standard error is a terminal).
        case bar
        /// A line every interval (logs, pipes).
        case lines
        /// Nothing.
        case silent
    }

    private let label: String
    private let counters: ProgressCounters
    private let mode: Mode
    private let intervalMillis: Int64
    private let totalText: @Sendable (Int64) -> String
    private let clock: PipelineClock
    private let write: @Sendable (String) -> Void
    private let stopped = Atomic<Bool>(false)
    private let finished = Mutex<Bool>(false)
    private let meter: Mutex<ProgressMeter>

    /// A reporter for `counters` writing to standard error, labelled `label`; `mode` nil picks
    /// the bar when standard error is a terminal and lines otherwise. `totalText` names the
    /// whole (`285,714 offsets`).
    public convenience init(
        label: String, counters: ProgressCounters, mode: Mode? = nil, lineIntervalMillis: Int64 = 5_000, barIntervalMillis: Int64 = 250,
        totalText: @escaping @Sendable (Int64) -> String = { ProgressFormat.count($0) }
    ) {
        self.init(
            label: label, counters: counters, mode: mode, lineIntervalMillis: lineIntervalMillis, barIntervalMillis: barIntervalMillis,
            totalText: totalText, clock: .system, write: { FileHandle.standardError.write(Data($0.utf8)) })
    }

    /// A reporter reading `clock` and writing through `write` (tests).
    init(
        label: String, counters: ProgressCounters, mode: Mode?, lineIntervalMillis: Int64, barIntervalMillis: Int64,
        totalText: @escaping @Sendable (Int64) -> String, clock: PipelineClock, write: @escaping @Sendable (String) -> Void
    ) {
        self.label = label
        self.counters = counters
        let resolved = mode ?? (isatty(STDERR_FILENO) == 1 ? .bar : .lines)
        self.mode = resolved
        intervalMillis = resolved == .bar ? barIntervalMillis : lineIntervalMillis
        self.totalText = totalText
        self.clock = clock
        self.write = write
        meter = Mutex(ProgressMeter(startMillis: clock.monotonicMillis(), intervalMillis: intervalMillis))
    }

    /// Starts the reporting thread.
    public func start() {
        guard mode != .silent else { return }
        let thread = Thread { [self] in
            while !stopped.load(ordering: .acquiring) {
                RetryPolicy.threadSleep(.milliseconds(min(100, intervalMillis)))
                tick()
            }
        }
        thread.name = "millrace-progress"
        thread.start()
    }

    /// Stops the thread and shows the final figures (the bar completed, or a last line).
    public func finish() {
        stopped.store(true, ordering: .releasing)
        guard mode != .silent, !finished.withLock({ let was = $0; $0 = true; return was }) else { return }
        let figures = meter.withLock { $0.figures(counters.sample, nowMillis: clock.monotonicMillis()) }
        switch mode {
        case .bar: write("\r\u{1B}[2K" + ProgressFormat.bar(label, figures) + "\n")
        case .lines: write(line(figures) + "\n")
        case .silent: break
        }
    }

    private func tick() {
        let now = clock.monotonicMillis()
        let figures: ProgressFigures? = meter.withLock { meter in
            guard meter.isDue(nowMillis: now) else { return nil }
            return meter.figures(counters.sample, nowMillis: now)
        }
        guard let figures, !finished.withLock({ $0 }) else { return }
        switch mode {
        case .bar: write("\r\u{1B}[2K" + ProgressFormat.bar(label, figures))
        case .lines: write(line(figures) + "\n")
        case .silent: break
        }
    }

    private func line(_ figures: ProgressFigures) -> String {
        ProgressFormat.line(label, figures, totalText: counters.sample.total.map(totalText))
    }
}
