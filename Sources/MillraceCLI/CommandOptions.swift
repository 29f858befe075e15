import ArgumentParser
import Catalog
import Failures
import Loader
import Foundation
import Runtime

/// `--config FILE`, shared by the commands that read the worker's configuration.
struct ConfigOption: ParsableArguments {
    @Option(help: "The YAML configuration file (see deploy/millrace.yaml). Without it, the defaults apply.")
    var config: String?

    /// The configuration, or exit 2 with the reason.
    func load() throws -> WorkerConfiguration {
        do {
            return try ConfigurationLoader.load(path: config)
        } catch let error as RuntimeError {
            CommandFailure.print(error.message)
            throw ExitCode(2)
        }
    }
}

/// `--dry-run` and `--output DIR`, with one meaning in every command that stages: `--output`
/// stages to a local folder (same layout and commit protocol) instead of the configured store;
/// `--dry-run` prints the warehouse SQL (COPY manifests, MERGE, ledger) instead of running it,
/// and without `--output` stages to `staging.local_dir`.
struct StagingOutputOptions: ParsableArguments {
    @Flag(help: "Print the warehouse SQL instead of running it (stages to staging.local_dir unless --output is given).")
    var dryRun = false

    @Option(help: "Stage to this local folder instead of the configured store.")
    var output: String?

    /// The worker options these flags ask for; with `--dry-run` the SQL goes to standard output.
    var workerOptions: WorkerOptions {
        var options = WorkerOptions()
        options.dryRun = dryRun
        options.outputDirectory = output
        if dryRun { options.sqlOutput = { sql in print(sql) } }
        return options
    }
}

/// `--input FILE [--format kcat|values] [--topic T]`: dump files replayed whole.
struct InputOptions: ParsableArguments {
    @Option(help: "A dump file to replay: kcat -J envelopes or values lines (repeatable).")
    var input: [String] = []

    @Option(help: "Input lines: kcat (kcat -C -J envelopes) or values (one raw message value per line).")
    var format = "kcat"

    @Option(help: "The topic of every line of a values file.")
    var topic: String?

    /// Checks the flags among themselves.
    func check() throws {
        guard ["values", "kcat"].contains(format) else { throw ValidationError("--format must be values or kcat") }
        if format == "values" && topic == nil && !input.isEmpty { throw ValidationError("values files need --topic") }
    }

    /// The inputs as the replay reads them.
    var inputs: [FileReplay.Input] {
        input.map { FileReplay.Input(path: $0, topic: format == "values" ? topic : nil) }
    }
}

/// How commands end on failure: the reason on standard error, exit 2 for configuration and
/// credential errors (a fix is needed, not a retry), 1 for anything else.
enum CommandFailure {
    /// Writes `millrace: message` to standard error.
    static func print(_ message: String) {
        FileHandle.standardError.write(Data("millrace: \(message)\n".utf8))
    }

    /// The exit for `error`, after printing its explanation (never a code name): 2 when a
    /// setting must be fixed (configuration, credentials, the Schemas/ registry), 1 otherwise.
    static func exit(for error: any Error) -> ExitCode {
        if let exit = error as? ExitCode { return exit }
        guard let error = error as? any MillraceError else {
            print("\(error)")
            return ExitCode(1)
        }
        print(error.explanation)
        return ExitCode(needsAFix(error) ? 2 : 1)
    }

    private static func needsAFix(_ error: any MillraceError) -> Bool {
        switch error {
        case let error as RuntimeError: error.code == .configuration || error.code == .authentication
        case let error as LoaderError: error.code == .configuration
        case is CatalogError: true
        default: false
        }
    }
}

/// `--schemas DIR`, shared by the commands that read the `Schemas/` registry without a
/// configuration file. Unset, the registry is found as `SchemasLocation` says, from any working
/// directory.
struct SchemasOption: ParsableArguments {
    @Option(help: "The Schemas/ registry folder (default: ./Schemas, else beside the binary).")
    var schemas: String?

    /// The folder to read; without `--schemas`, exit 2 naming the folders searched when none exists.
    func folder() throws -> String {
        if let schemas { return schemas }
        do {
            return try SchemasLocation.resolve(configFile: nil)
        } catch let error as RuntimeError {
            CommandFailure.print(error.message)
            throw ExitCode(2)
        }
    }
}
