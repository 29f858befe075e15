import Staging
import Synchronization
import Testing

@testable import Runtime

/// The progress decisions with an injected clock: every figure is known in advance.
@Suite("Progress meter, format and summary")
struct ProgressMeterTests {
    @Test("a report is due once per interval, never twice in one")
    func dueOncePerInterval() {
        var meter = ProgressMeter(startMillis: 1_000, intervalMillis: 5_000)
        let due = [1_000, 5_999, 6_000, 6_001, 10_999, 11_000].map { meter.isDue(nowMillis: Int64($0)) }
        #expect(due == [false, false, true, false, false, true])
    }

    @Test("rates, percent and ETA from the samples")
    func figures() {
        var meter = ProgressMeter(startMillis: 0, intervalMillis: 1_000, rateWindowMillis: 10_000)
        let first = meter.figures(ProgressSample(records: 1_000, bytes: 2_000_000, done: 1_000, total: 10_000), nowMillis: 2_000)
        #expect(first.recordsPerSecond == 500 && first.bytesPerSecond == 1_000_000)
        #expect(first.percent == 10)
        #expect(first.etaSeconds == 18)  // 9,000 offsets left at 500 a second
        #expect(first.elapsedMillis == 2_000)
        let second = meter.figures(ProgressSample(records: 4_000, bytes: 8_000_000, done: 4_000, total: 10_000), nowMillis: 4_000)
        #expect(second.recordsPerSecond == 1_000 && second.percent == 40 && second.etaSeconds == 6)
    }

    @Test("the rate follows the last window: a stall shows within one window, then the ETA is unknown")
    func slidingWindow() {
        var meter = ProgressMeter(startMillis: 0, intervalMillis: 1_000, rateWindowMillis: 4_000)
        _ = meter.figures(ProgressSample(records: 4_000, bytes: 0, done: 4_000, total: 8_000), nowMillis: 4_000)
        _ = meter.figures(ProgressSample(records: 8_000, bytes: 0, done: 6_000, total: 8_000), nowMillis: 8_000)
        // From 8 s on nothing moves: once the window holds only the stall, the rate is 0.
        let stalled = meter.figures(ProgressSample(records: 8_000, bytes: 0, done: 6_000, total: 8_000), nowMillis: 12_000)
        #expect(stalled.recordsPerSecond == 0)
        #expect(stalled.etaSeconds == nil && stalled.percent == 75)
        let resumed = meter.figures(ProgressSample(records: 10_000, bytes: 0, done: 7_000, total: 8_000), nowMillis: 14_000)
        #expect(resumed.recordsPerSecond == 2_000.0 / 6 * 1)  // 2,000 records over 6 s since the 8 s sample
        #expect(resumed.etaSeconds.map { abs($0 - 6) < 0.001 } == true)  // 1,000 left at 1,000 per 6 s
    }

    @Test("without a known whole there is no percent and no ETA; an empty whole is complete")
    func unknownWhole() {
        var meter = ProgressMeter(startMillis: 0, intervalMillis: 1_000)
        let unknown = meter.figures(ProgressSample(records: 10, bytes: 10, done: 0, total: nil), nowMillis: 1_000)
        #expect(unknown.percent == nil && unknown.etaSeconds == nil)
        let empty = meter.figures(ProgressSample(records: 0, bytes: 0, done: 0, total: 0), nowMillis: 2_000)
        #expect(empty.percent == 100 && empty.etaSeconds == 0)
    }

    @Test("numbers, sizes and durations as people read them")
    func formatting() {
        #expect(ProgressFormat.count(0) == "0" && ProgressFormat.count(999) == "999" && ProgressFormat.count(1_234_567) == "1,234,567")
        #expect(ProgressFormat.count(-1_000) == "-1,000")
        #expect(ProgressFormat.size(512) == "512 B" && ProgressFormat.size(13_249) == "13.2 kB" && ProgressFormat.size(131_200_000) == "131.2 MB")
        #expect(ProgressFormat.size(1_400_000_000) == "1.4 GB")
        #expect(ProgressFormat.duration(42.4) == "42s" && ProgressFormat.duration(185) == "3m05s" && ProgressFormat.duration(3_720) == "1h02m")
        let figures = ProgressFigures(
            elapsedMillis: 3_000, records: 120_000, bytes: 131_200_000, recordsPerSecond: 41_230, bytesPerSecond: 45_100_000, percent: 42,
            etaSeconds: 4.2)
        #expect(
            ProgressFormat.line("backfill", figures, totalText: "285,714 offsets")
                == "backfill: 120,000 records, 131.2 MB, 41,230 rec/s, 45.1 MB/s, 42.0% of 285,714 offsets, ETA 4s, elapsed 3s")
        #expect(
            ProgressFormat.bar("backfill", figures, width: 10)
                == "backfill [####......]  42.0%  120,000 rec  131.2 MB  41,230 rec/s  ETA 4s")
    }

    @Test("the summary adds up committed batches: records, rows per table, dead letters by reason, files, batches")
    func summary() {
        func record(_ rows: [(String, Int)], letters: [String: Int], recordsIn: Int) -> CommitRecord {
            var record = CommitRecord(
                batchID: BatchID(createdAtMillis: 1_795_132_800_000, random: UInt64.random(in: 0...UInt64.max)), state: .committed,
                worker: "t", sources: [], plannedPrefixes: [])
            record.files = rows.enumerated().map { StagedFile(key: "k\($0.offset)", table: $0.element.0, schemaVersion: 1, hour: "h", rows: $0.element.1, bytes: 1_000) }
            if !letters.isEmpty {
                record.deadLetters = DeadLetterFile(key: "d", records: letters.values.reduce(0, +), reasons: letters, bytes: 10)
            }
            record.stats.recordsIn = recordsIn
            return record
        }
        var summary = RunSummary()
        summary.add(record([("fact_entity_values", 90), ("dim_entities", 5)], letters: ["malformed_json": 2], recordsIn: 100))
        summary.add(record([("fact_entity_values", 50)], letters: ["malformed_json": 1, "oversized": 1], recordsIn: 52))
        summary.outsideRange = 3
        #expect(summary.records == 152 && summary.batches == 2 && summary.files == 3 && summary.deadLetters == 4)
        #expect(summary.rowsPerTable == ["fact_entity_values": 140, "dim_entities": 5])
        let text = summary.text("backfill", elapsedMillis: 65_000)
        #expect(text.hasPrefix("backfill: done in 1m05s"))
        for line in [
            "records                     152 (3 outside the range, skipped)", "rows dim_entities           5",
            "rows fact_entity_values     140", "dead letters                4", "  malformed_json            3", "  oversized                 1",
            "files                       3 (3.0 kB)", "batches                     2", "elapsed                     1m05s",
        ] {
            #expect(text.contains(line), "missing `\(line)` in\n\(text)")
        }
    }

    @Test("the reporter writes one line per interval without a terminal, and a last line at the end")
    func reporterLines() async throws {
        let now = Atomic<Int64>(0)
        let written = Mutex<[String]>([])
        let counters = ProgressCounters()
        counters.setTotal(1_000)
        let reporter = ProgressReporter(
            label: "test", counters: counters, mode: .lines, lineIntervalMillis: 1_000, barIntervalMillis: 250,
            totalText: { "\($0) offsets" },
            clock: PipelineClock(monotonicMillis: { now.load(ordering: .relaxed) }, wallMillis: { 0 }),
            write: { text in written.withLock { $0.append(text) } })
        reporter.start()
        counters.add(records: 500, bytes: 1_000, done: 500)
        now.store(1_000, ordering: .relaxed)
        try await waitUntil(30, "the first progress line") { written.withLock { $0.count } >= 1 }
        counters.add(records: 500, bytes: 1_000, done: 500)
        reporter.finish()
        let lines = written.withLock { $0 }
        #expect(lines.first == "test: 500 records, 1.0 kB, 500 rec/s, 1.0 kB/s, 50.0% of 1000 offsets, ETA 1s, elapsed 1s\n")
        #expect(lines.last?.contains("1,000 records") == true && lines.last?.contains("100.0% of 1000 offsets") == true, "\(lines)")
        #expect(lines.count == 2, "the clock stood still after 1 s, so one interval line and the last one: \(lines)")
    }
}
