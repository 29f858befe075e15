import ArgumentParser
import CDC
import Catalog
import Foundation
import Runtime

/// `millrace decode`: one NDJSON line per input record, the typed row or why it would go to
/// the dead-letter queue. The operator's answer to "why did this record go to the DLQ?". The
/// work happens in `Runtime.DecodeRun`.
struct DecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decode Debezium records (values or kcat -J lines) into NDJSON rows or dead-letter reasons.",
        discussion: """
            Reads --input (standard input by default) line by line and prints, per record, the typed row, the heartbeat \
            time or the dead letter (reason, message, the original bytes in base64), then a summary on standard error. \
            Value lines need --topic; kcat -J envelopes carry their own.
            """
    )

    @Option(help: "The file to decode (default: standard input).") var input: String = "-"
    @Option(help: "Input lines: auto (kcat envelopes where a line looks like one), values or kcat.") var format = "auto"
    @Option(help: "The topic of value lines (needed unless --format kcat).") var topic: String?
    @OptionGroup var registry: SchemasOption
    @Option(name: .customLong("max-message-bytes"), help: "Records larger than this are dead letters (oversized), as pipeline.max_message_bytes.")
    var maxMessageBytes: Int = PipelineSettings().maxMessageBytes.bytes

    private var lines: DecodeRun.Format { DecodeRun.Format(rawValue: format) ?? .auto }

    func validate() throws {
        guard DecodeRun.Format(rawValue: format) != nil else { throw ValidationError("--format must be auto, values or kcat") }
        if topic == nil && lines != .kcat {
            throw ValidationError("give --topic for value lines, or --format kcat for kcat -J envelopes (which name their topics)")
        }
        guard maxMessageBytes > 0 else { throw ValidationError("--max-message-bytes must be positive") }
    }

    func run() throws {
        let catalog: Catalog
        do {
            catalog = try Catalog.load(directory: try registry.folder())
        } catch let error as CatalogError {
            CommandFailure.print(error.message)
            throw ExitCode(2)
        }
        var settings = DecoderConfiguration()
        settings.maxMessageBytes = maxMessageBytes
        let decoder = try ChangeDecoder(catalog: catalog, configuration: settings)
        var output = CDCCommandIO.OutputBuffer()
        let counts: DecodeRun.Counts
        do {
            counts = try DecodeRun.run(path: input == "-" ? "/dev/stdin" : input, format: lines, topic: topic, decoder: decoder) { output.write($0) }
        } catch {
            output.flush()
            throw CommandFailure.exit(for: error)
        }
        output.flush()
        CDCCommandIO.printError("decode: \(counts.rows) rows, \(counts.heartbeats) heartbeats, \(counts.deadLetters) dead letters")
    }
}
