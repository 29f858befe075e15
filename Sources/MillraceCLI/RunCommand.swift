import ArgumentParser
import Foundation
import Logging
import Runtime

/// `millrace run --config FILE [--dry-run [--output DIR]]`: the worker.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the worker: Kafka CDC topics to staged Parquet, committed exactly once.",
        discussion: """
            Runs until SIGTERM or SIGINT, then commits the open batch, leaves the consumer group and exits 0. \
            A configuration or authentication error exits with status 2 and a message. With --dry-run, batches are \
            staged to a local folder with the same layout and commit protocol, the warehouse SQL is printed \
            instead of run, and no AWS credentials are needed.
            """
    )

    @Option(help: "The YAML configuration file (see deploy/millrace.yaml). Without it, the defaults apply.")
    var config: String?

    @Flag(help: "Stage to a local folder and print the COPY and merge SQL instead of running it.")
    var dryRun = false

    @Option(help: "A local staging folder (instead of staging.bucket or staging.local_dir; with --dry-run the default is staging.local_dir, else out/staging).")
    var output: String?

    @Flag(help: "Stop once the input is drained (bounded replays and tests).")
    var untilDrained = false

    func run() async throws {
        let configuration: WorkerConfiguration
        do {
            configuration = try ConfigurationLoader.load(path: config)
        } catch let error as RuntimeError {
            FileHandle.standardError.write(Data("millrace: \(error.message)\n".utf8))
            throw ExitCode(2)
        }
        let logger = LogSetup.bootstrap(configuration.observability)
        var options = WorkerOptions()
        options.dryRun = dryRun
        options.outputDirectory = output
        options.stopWhenDrained = untilDrained
        if dryRun {
            options.sqlOutput = { sql in print(sql) }
        }
        do {
            try await Worker.run(configuration, options: options, logger: logger)
        } catch let error as RuntimeError {
            logger.critical("worker stopped", metadata: ["error": "\(error)"])
            FileHandle.standardError.write(Data("millrace: \(error.message)\n".utf8))
            throw ExitCode(error.code == .configuration || error.code == .authentication ? 2 : 1)
        } catch let exit as ExitCode {
            throw exit
        } catch {
            logger.critical("worker stopped", metadata: ["error": "\(error)"])
            FileHandle.standardError.write(Data("millrace: the worker stopped: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
