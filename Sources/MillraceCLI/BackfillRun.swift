import ArgumentParser
import Foundation
import Logging
import Runtime

/// Runs a backfill for `backfill` and `replay`: signals, the summary and the exit status.
enum BackfillRun {
    /// Runs to the end (exit 0), or until SIGINT / SIGTERM, which commits the open batch and
    /// exits 130; failures exit 1 (2 for configuration) with the reason.
    static func execute(_ configuration: WorkerConfiguration, options: Backfill.Options, label: String, logger: Logger) throws {
        StopSignals.install()
        var options = options
        options.shouldStop = { StopSignals.received != 0 }
        let outcome: Backfill.Outcome
        do {
            outcome = try Backfill.run(configuration, options: options, label: label, logger: logger)
        } catch {
            throw CommandFailure.exit(for: error)
        }
        FileHandle.standardError.write(Data((outcome.summary.text(label, elapsedMillis: outcome.elapsedMillis) + "\n").utf8))
        if StopSignals.received != 0 {
            CommandFailure.print("stopped by signal \(StopSignals.received) after committing the open batch; run the same command again to resume")
            throw ExitCode(130)
        }
        if !outcome.complete {
            CommandFailure.print("the backfill stopped before the end of its range; run the same command again to resume")
            throw ExitCode(1)
        }
    }
}
