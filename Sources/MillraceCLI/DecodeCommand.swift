import ArgumentParser
import CDC
import Catalog
import Foundation

/// `millrace decode`: one NDJSON line per input record, the typed row or why it would go to
/// the dead-letter queue. The operator's answer to "why did this record go to the DLQ?".
struct DecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decode Debezium records from stdin (values or kcat -J lines) into NDJSON rows or dead-letter reasons."
    )

    @Option(help: "The topic of value lines (kcat envelopes carry their own).") var topic: String?
    @Option(help: "The registry folder.") var schemas: String = "Schemas"
    @Option(help: "Input lines: auto, values or kcat.") var input: String = "auto"
    @Option(name: .customLong("max-message-bytes"), help: "Records larger than this are dead letters (oversized).")
    var maxMessageBytes: Int = DecoderConfiguration().maxMessageBytes

    func validate() throws {
        guard ["auto", "values", "kcat"].contains(input) else { throw ValidationError("--input must be auto, values or kcat") }
        if input == "values" && topic == nil { throw ValidationError("--input values needs --topic") }
    }

    func run() throws {
        let catalog: Catalog
        do {
            catalog = try Catalog.load(directory: schemas)
        } catch {
            CDCCommandIO.printError("decode: \(error)")
            throw ExitCode(1)
        }
        var settings = DecoderConfiguration()
        settings.maxMessageBytes = maxMessageBytes
        let decoder = try ChangeDecoder(catalog: catalog, configuration: settings)
        var reader = CDCCommandIO.LineReader(FileHandle.standardInput)
        var output = CDCCommandIO.OutputBuffer()
        var counts = (rows: 0, heartbeats: 0, deadLetters: 0)
        var lineNumber = 0
        while let line = reader.next() {
            lineNumber += 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            let isEnvelope = input == "kcat" || (input == "auto" && line.withUnsafeBytes(KcatEnvelope.looksLikeEnvelope))
            let record: KcatEnvelope
            if isEnvelope {
                guard let envelope = line.withUnsafeBytes(KcatEnvelope.parse) else {
                    output.write(Array("{\"line\":\(lineNumber),\"error\":\"not a kcat -J envelope\"}".utf8))
                    counts.deadLetters += 1
                    continue
                }
                record = envelope
            } else if let topic {
                record = KcatEnvelope(topic: topic, partition: 0, offset: Int64(lineNumber - 1), timestampMs: 0, key: nil, payload: line)
            } else {
                output.write(Array("{\"line\":\(lineNumber),\"error\":\"a value line needs --topic\"}".utf8))
                counts.deadLetters += 1
                continue
            }
            let (outcome, json) = RecordReport.decode(record, line: lineNumber, with: decoder)
            switch outcome {
            case .row: counts.rows += 1
            case .heartbeat: counts.heartbeats += 1
            case .deadLetter: counts.deadLetters += 1
            }
            output.write(json)
            for change in decoder.takeSchemaChanges() { output.write(RecordReport.describe(change)) }
        }
        output.flush()
        CDCCommandIO.printError("decode: \(counts.rows) rows, \(counts.heartbeats) heartbeats, \(counts.deadLetters) dead letters")
    }
}
