import ArgumentParser
import Foundation
import Runtime

/// `millrace backfill --from T1 --to T2`: a bounded range through the worker's own path, beside
/// the live worker, resumable, with progress. The work happens in `Runtime.Backfill`.
struct BackfillCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backfill",
        abstract: "Reprocess a time range (or dump files) through decode, dedup, enrichment, staging and commit.",
        discussion: """
            The range [--from, --to) is selected on Kafka record timestamps (ISO-8601 instants; a date alone is \
            midnight UTC): a record at --from is included, one at --to is not. The backfill reads in its own consumer \
            group, derived from kafka.group_id and the range, so the live worker's offsets never move; its batches are \
            committed with the same protocol. Run the same command again after a crash or Ctrl-C: it resumes where its \
            committed batches end. --source postgres reads the source tables directly (older than Kafka's retention); \
            --input replays dump files whole. Progress: a bar on a terminal, a line every backfill.progress_interval \
            otherwise, and a summary at the end. Exit 0 when done, 1 on failure, 2 for configuration errors, 130 after \
            Ctrl-C (the open batch committed).
            """
    )

    @OptionGroup var configFile: ConfigOption
    @Option(help: "Start of the range, inclusive (ISO-8601, e.g. 2026-12-01 or 2026-12-01T06:00:00Z).") var from: String?
    @Option(help: "End of the range, exclusive.") var to: String?
    @Option(help: "Comma-separated topics (default: those feeding --tables, else kafka.topics).") var topics: String?
    @Option(help: "Comma-separated tables to produce (default: every table the topics feed).") var tables: String?
    @Flag(help: "Also drop decoded rows whose event-time column lies outside the range.") var eventTime = false
    @Option(help: "kafka (record timestamps) or postgres (the source tables, by event time).") var source = "kafka"
    @Option(help: "The source database for --source postgres (default: backfill.source_url).") var sourceURL: String?
    @OptionGroup var inputs: InputOptions
    @OptionGroup var staging: StagingOutputOptions

    func validate() throws {
        try inputs.check()
        guard ["kafka", "postgres"].contains(source) else { throw ValidationError("--source must be kafka or postgres") }
        if sourceURL != nil && source != "postgres" { throw ValidationError("--source-url applies to --source postgres") }
        if inputs.input.isEmpty {
            guard let from, let to else { throw ValidationError("give --from and --to (or --input files)") }
            guard BackfillRange.parse(from) != nil else { throw ValidationError("--from \(from) is not an ISO-8601 instant or date") }
            guard BackfillRange.parse(to) != nil else { throw ValidationError("--to \(to) is not an ISO-8601 instant or date") }
        } else {
            if source != "kafka" { throw ValidationError("--input replays files; it cannot be combined with --source \(source)") }
            if topics != nil { throw ValidationError("--topics selects Kafka topics; --input files name their own (or --topic for values)") }
        }
        if (from == nil) != (to == nil) { throw ValidationError("--from and --to go together") }
        if eventTime && from == nil { throw ValidationError("--event-time needs --from and --to") }
    }

    func run() throws {
        let configuration = try configFile.load()
        let logger = LogSetup.bootstrap(configuration.observability)
        var options = Backfill.Options()
        options.worker = staging.workerOptions
        options.topics = list(topics)
        options.tables = list(tables)
        options.eventTime = eventTime
        do {
            if let from, let to { options.range = try BackfillRange(from: from, to: to) }
            if !inputs.input.isEmpty {
                options.source = .files(inputs.inputs)
            } else if source == "postgres" {
                let url = sourceURL ?? configuration.backfill.sourceURL
                guard !url.isEmpty else { throw RuntimeError(.configuration, "--source postgres needs backfill.source_url or --source-url") }
                options.source = .postgres(url: url)
            }
        } catch {
            throw CommandFailure.exit(for: error)
        }
        try BackfillRun.execute(configuration, options: options, label: inputs.input.isEmpty ? "backfill" : "replay", logger: logger)
    }

    private func list(_ text: String?) -> [String] {
        (text ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
