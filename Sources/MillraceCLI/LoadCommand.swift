import ArgumentParser
import Foundation
import Loader
import Logging
import Runtime

/// `millrace load --config FILE [--once] [--dry-run] [--retry-quarantined] [--output DIR]`: the
/// warehouse loader.
struct LoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Load committed batches into the warehouse every warehouse.load_interval, exactly once.",
        discussion: """
            Each cycle takes the warehouse lease (one active loader, whichever way it runs), reads the commit log, and loads \
            every committed batch the ledger does not hold: per table one transaction (COPY into a staging table, newest \
            change per key, deletes remembered, MERGE, daily aggregate, ledger, "data as of"). A batch the warehouse refuses \
            is quarantined for that table and the rest loads; --retry-quarantined loads it again after the fix. Runs until \
            SIGTERM or SIGINT (the lease is given up for a standby). Exit status: 0 done, 1 a cycle failed, 2 configuration.
            """
    )

    @OptionGroup var configFile: ConfigOption

    @Flag(help: "Run cycles until everything committed so far is loaded, then exit.")
    var once = false

    @Flag(help: "Print the SQL the loader would run for every committed batch instead of running it.")
    var dryRun = false

    @Flag(help: "Load the quarantined batches again (after fixing what refused them).")
    var retryQuarantined = false

    @Option(help: "A local staging folder to read instead of the configured store.")
    var output: String?

    func validate() throws {
        if dryRun && retryQuarantined { throw ValidationError("--dry-run runs nothing, so --retry-quarantined has nothing to retry") }
    }

    func run() async throws {
        let configuration = try configFile.load()
        let logger = LogSetup.bootstrap(configuration.observability)
        var options = Loading.Options()
        options.once = once || retryQuarantined
        options.dryRun = dryRun
        options.retryQuarantined = retryQuarantined
        options.output = output
        options.printer = { text in print(text) }
        do {
            try await Loading.run(configuration, options: options, logger: logger)
        } catch {
            logger.critical("loader stopped", metadata: ["error": "\(error)"])
            throw CommandFailure.exit(for: error)
        }
    }
}
