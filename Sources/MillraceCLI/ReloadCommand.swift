import ArgumentParser
import Foundation
import Loader
import Runtime
import Warehouse

/// `millrace reload --config FILE --from T1 --to T2 [--tables …] [--force] [--output DIR]`:
/// staged batches of a time window loaded into the warehouse again.
struct ReloadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reload",
        abstract: "Load the staged batches of a time window into the warehouse again (after a table was truncated or rebuilt).",
        discussion: """
            Selects the staged files whose event-time hour overlaps [--from, --to) (ISO-8601 instants; a date alone is \
            midnight UTC). A (batch, table) pair the ledger does not hold is loaded whole and recorded, as the loader \
            would; a pair it holds is left alone, so a reload is idempotent. --force merges those again from the \
            window's files (merges keep the newest change per key, so nothing newer is overwritten) without touching the \
            ledger. Runs beside a live loader: every load locks the ledger, so their loads never interleave. Progress: a \
            bar on a terminal, lines otherwise, and a summary. Exit 0 when done, 1 on failure, 2 for configuration \
            errors, 130 after Ctrl-C (between two loads; run the same command again for the rest).
            """
    )

    @OptionGroup var configFile: ConfigOption
    @Option(help: "Start of the window, inclusive (ISO-8601, e.g. 2026-12-01 or 2026-12-01T06:00:00Z).") var from: String
    @Option(help: "End of the window, exclusive.") var to: String
    @Option(help: "Comma-separated tables to reload (default: every table).") var tables: String?
    @Flag(help: "Merge again the batches the ledger already holds.") var force = false
    @Option(help: "A local staging folder to read instead of the configured store.") var output: String?

    func validate() throws {
        guard BackfillRange.parse(from) != nil else { throw ValidationError("--from \(from) is not an ISO-8601 instant or date") }
        guard BackfillRange.parse(to) != nil else { throw ValidationError("--to \(to) is not an ISO-8601 instant or date") }
    }

    func run() async throws {
        let configuration = try configFile.load()
        let logger = LogSetup.bootstrap(configuration.observability)
        StopSignals.install()
        let report: ReloadReport
        let window: BackfillRange
        do {
            window = try BackfillRange(from: from, to: to)
            let names = (tables ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            let request = ReloadRequest(
                fromMillis: window.fromMillis, toMillis: window.toMillis, tables: names.isEmpty ? nil : Set(names), force: force)
            var options = Loading.Options()
            options.output = output
            report = try await Loading.reload(configuration, request: request, options: options, shouldStop: { StopSignals.received != 0 },
                logger: logger)
        } catch {
            throw CommandFailure.exit(for: error)
        }
        FileHandle.standardError.write(Data((Loading.summary(report, window: window.description) + "\n").utf8))
        if StopSignals.received != 0 {
            CommandFailure.print("stopped by signal \(StopSignals.received) between two loads; run the same command again for the rest")
            throw ExitCode(130)
        }
    }
}
