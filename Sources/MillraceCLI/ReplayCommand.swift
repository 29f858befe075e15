import ArgumentParser
import Runtime

/// `millrace replay --input FILE`: `millrace backfill --input FILE`, kept under its old name.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay dump files through the worker's path (an alias of `millrace backfill --input`).",
        discussion: """
            kcat files (`kcat -C -J`) carry topic, partition, offset, timestamp and key. values files (one raw \
            message value per line, `millrace loadgen --format values`) need --topic; their offsets are line \
            numbers from 0. Batches close at pipeline.max_batch_rows, max_batch_bytes and window.
            """
    )

    @OptionGroup var configFile: ConfigOption
    @OptionGroup var inputs: InputOptions
    @OptionGroup var staging: StagingOutputOptions

    func validate() throws {
        guard !inputs.input.isEmpty else { throw ValidationError("give at least one --input") }
        try inputs.check()
    }

    func run() throws {
        let configuration = try configFile.load()
        var options = Backfill.Options()
        options.source = .files(inputs.inputs)
        options.worker = staging.workerOptions
        try BackfillRun.execute(configuration, options: options, label: "replay", logger: LogSetup.bootstrap(configuration.observability))
    }
}
