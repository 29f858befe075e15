import ArgumentParser
import Engine
import Staging
import Foundation
import Runtime

/// `millrace replay`: reprocess records saved in files (kcat -J dumps, loadgen values files).
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay Kafka records from files through decode, dedup, enrichment, staging and commit.",
        discussion: """
            kcat files (`kcat -C -J`) carry topic, partition, offset, timestamp and key. values files (one raw \
            message value per line, `millrace loadgen --format values`) need --topic; their offsets are line \
            numbers from 0. Batches close at pipeline.max_batch_rows and max_batch_bytes.
            """
    )

    @Option(help: "The YAML configuration file (see deploy/millrace.yaml).") var config: String?
    @Option(help: "Input file (repeatable).") var input: [String] = []
    @Option(help: "values or kcat.") var format = "kcat"
    @Option(help: "The topic of every line of a values file.") var topic: String?
    @Flag(help: "Stage to a local folder and print the COPY and merge SQL instead of running it.") var dryRun = false
    @Option(help: "A local staging folder (instead of staging.bucket or staging.local_dir).") var output: String?

    func validate() throws {
        guard !input.isEmpty else { throw ValidationError("give at least one --input") }
        guard ["values", "kcat"].contains(format) else { throw ValidationError("--format must be values or kcat") }
        if format == "values" && topic == nil { throw ValidationError("values files need --topic") }
    }

    func run() throws {
        let configuration = try ConfigurationLoader.load(path: config)
        let logger = LogSetup.bootstrap(configuration.observability)
        var options = WorkerOptions()
        options.dryRun = dryRun
        options.outputDirectory = output
        if dryRun { options.sqlOutput = { sql in print(sql) } }
        let records = try FileReplay.run(
            configuration, inputs: input.map { FileReplay.Input(path: $0, topic: format == "values" ? topic : nil) },
            options: options, logger: logger)
        let rows = records.flatMap(\.files).reduce(0) { $0 + $1.rows }
        let consumed = records.reduce(0) { $0 + $1.stats.recordsIn }
        let deadLetters = records.reduce(0) { $0 + ($1.deadLetters?.records ?? 0) }
        FileHandle.standardError.write(Data(
            "replay: \(consumed) records, \(records.count) batches, \(rows) rows staged, \(deadLetters) dead letters\n".utf8))
    }
}
