import ArgumentParser
import Foundation
import Logging
import Runtime
import Staging
import Synchronization

/// `millrace run --config FILE [--dry-run] [--output DIR] [--until-drained]`: the worker.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the worker: Kafka CDC topics to staged Parquet, committed exactly once.",
        discussion: """
            Runs until SIGTERM or SIGINT, then commits the open batch, leaves the consumer group and exits 0. \
            A configuration or authentication error exits with status 2 and a message. --output stages to a local \
            folder with the same layout and commit protocol; --dry-run prints the warehouse SQL instead of running it \
            (and stages to staging.local_dir unless --output is given), so it needs no AWS credentials. With \
            --until-drained, progress is shown while it runs and a summary at the end.
            """
    )

    @OptionGroup var configFile: ConfigOption
    @OptionGroup var staging: StagingOutputOptions

    @Flag(help: "Stop once the input is drained (bounded replays and tests).")
    var untilDrained = false

    func run() async throws {
        let configuration = try configFile.load()
        let logger = LogSetup.bootstrap(configuration.observability)
        var options = staging.workerOptions
        options.stopWhenDrained = untilDrained
        // A drained run is bounded: it reports progress and a summary like a backfill.
        let counters = ProgressCounters()
        let summary = Mutex(RunSummary())
        let reporter = untilDrained
            ? ProgressReporter(label: "run", counters: counters, lineIntervalMillis: configuration.backfill.progressInterval.milliseconds) : nil
        if untilDrained {
            options.onCommit = { record in
                counters.add(records: Int64(record.stats.recordsIn), bytes: record.files.reduce(0) { $0 + $1.bytes }, done: 0)
                summary.withLock { $0.add(record) }
            }
        }
        let started = ContinuousClock.now
        reporter?.start()
        do {
            try await Worker.run(configuration, options: options, logger: logger)
        } catch let exit as ExitCode {
            reporter?.finish()
            throw exit
        } catch {
            reporter?.finish()
            logger.critical("worker stopped", metadata: ["error": "\(error)"])
            throw CommandFailure.exit(for: error is RuntimeError ? error : RuntimeError(.kafka, "the worker stopped: \(error)"))
        }
        if let reporter {
            reporter.finish()
            let elapsed = ContinuousClock.now - started
            let millis = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
            FileHandle.standardError.write(Data((summary.withLock { $0 }.text("run", elapsedMillis: millis) + "\n").utf8))
        }
    }
}
