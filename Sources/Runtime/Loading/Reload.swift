public import Loader
public import Logging
import Staging
import Synchronization
public import Warehouse

extension Loading {
    /// `millrace reload`: loads the staged files of `request`'s window into the warehouse again
    /// (see `Loader.reload`), beside a live loader if one runs, showing progress as `progress`
    /// says (nil: a bar on a terminal, lines otherwise). `shouldStop` ends it between two loads.
    /// Throws `RuntimeError` (`.configuration` for settings that cannot work) or `LoaderError`.
    public static func reload(
        _ configuration: WorkerConfiguration, request: ReloadRequest, options: Options, progress: ProgressReporter.Mode? = nil,
        shouldStop: @escaping @Sendable () -> Bool = { false }, logger: Logger
    ) async throws -> ReloadReport {
        MemoryTuning.mapLargeAllocations()
        let telemetry = Telemetry(logger: logger)
        let aws = AWSContext(environment: options.environment, staging: configuration.staging, telemetry: telemetry)
        let store = try StagingStores.make(configuration, output: options.output, dryRun: false, aws: aws)
        let assembly = try LoaderAssembly(configuration: configuration, store: store, aws: aws, logger: logger)
        let loader = assembly.makeLoader(logger: logger, crashHook: options.crashHook)
        let counters = ProgressCounters()
        let reporter = ProgressReporter(
            label: "reload", counters: counters, mode: progress, lineIntervalMillis: configuration.backfill.progressInterval.milliseconds,
            totalText: { "\(ProgressFormat.size($0)) staged" })
        reporter.start()
        defer { reporter.finish() }
        let bridge = ReloadProgressBridge(counters: counters)
        do {
            let report = try await loader.reload(request, progress: bridge.take, shouldStop: shouldStop)
            await loader.release()
            return report
        } catch {
            await loader.release()
            throw error
        }
    }

    /// The reload's end-of-run summary, one fact per line.
    public static func summary(_ report: ReloadReport, window: String) -> String {
        var lines = ["reload: done in \(ProgressFormat.duration(report.duration.seconds))", "  window \(window)"]
        if let holder = report.liveHolder {
            lines.append("  ran beside the live loader \(holder) (the ledger lock serialises their loads)")
        }
        func add(_ title: String, _ loads: [CycleReport.TableLoad]) {
            var byTable: [String: (batches: Int, files: Int, rows: Int, bytes: Int64)] = [:]
            for load in loads {
                var entry = byTable[load.table] ?? (0, 0, 0, 0)
                entry.batches += load.batches
                entry.files += load.files
                entry.rows += load.rows
                entry.bytes += load.bytes
                byTable[load.table] = entry
            }
            if byTable.isEmpty { lines.append("  \(title): nothing") }
            for (table, entry) in byTable.sorted(by: { $0.key < $1.key }) {
                lines.append("  \(title) \(table): \(ProgressFormat.count(Int64(entry.batches))) batches, "
                    + "\(ProgressFormat.count(Int64(entry.files))) files, \(ProgressFormat.count(Int64(entry.rows))) rows staged "
                    + "(\(ProgressFormat.size(entry.bytes)))")
            }
        }
        add("loaded", report.loaded)
        add("merged again", report.remerged)
        if report.alreadyLoaded > 0 {
            lines.append("  already loaded: \(report.alreadyLoaded) (batch, table) pairs left as they are (--force merges them again)")
        }
        if report.skippedQuarantined > 0 {
            lines.append("  quarantined: \(report.skippedQuarantined) pairs skipped (millrace load --retry-quarantined loads them)")
        }
        for quarantine in report.quarantined {
            lines.append("  quarantined now \(quarantine.batch) for \(quarantine.table): \(quarantine.error)")
        }
        if report.stoppedBefore > 0 {
            lines.append("  stopped: \(report.stoppedBefore) loads not run; run the same command again for them")
        }
        return lines.joined(separator: "\n")
    }
}

/// Turns the loader's per-load progress into the reporter's counters (rows as records, bytes
/// as the units done).
private final class ReloadProgressBridge: Sendable {
    let counters: ProgressCounters
    private let last = Mutex(ReloadProgress())

    init(counters: ProgressCounters) {
        self.counters = counters
    }

    func take(_ progress: ReloadProgress) {
        counters.setTotal(progress.bytesTotal)
        let previous = last.withLock { last in
            defer { last = progress }
            return last
        }
        counters.add(
            records: Int64(progress.rowsDone - previous.rowsDone), bytes: progress.bytesDone - previous.bytesDone,
            done: progress.bytesDone - previous.bytesDone)
    }
}
