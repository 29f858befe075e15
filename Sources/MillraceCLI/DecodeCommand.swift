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
            printError("decode: \(error)")
            throw ExitCode(1)
        }
        var settings = DecoderConfiguration()
        settings.maxMessageBytes = maxMessageBytes
        let decoder = try ChangeDecoder(catalog: catalog, configuration: settings)
        var reader = LineReader(FileHandle.standardInput)
        var output = OutputBuffer()
        var routes: [String: TopicRoute] = [:]
        var counts = (rows: 0, heartbeats: 0, deadLetters: 0)
        var lineNumber = 0
        while let line = reader.next() {
            lineNumber += 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            var writer = JSONWriter(capacity: line.count + 256)
            writer.raw("{\"line\":")
            writer.integer(lineNumber)
            let isEnvelope = input == "kcat" || (input == "auto" && line.withUnsafeBytes(KcatEnvelope.looksLikeEnvelope))
            var record = KcatEnvelope(topic: topic ?? "", partition: 0, offset: Int64(lineNumber - 1), timestampMs: 0, key: nil, payload: line)
            if isEnvelope {
                guard let envelope = line.withUnsafeBytes(KcatEnvelope.parse) else {
                    writer.raw(",\"error\":\"not a kcat -J envelope\"}")
                    output.write(writer.bytes)
                    counts.deadLetters += 1
                    continue
                }
                record = envelope
            } else if topic == nil {
                writer.raw(",\"error\":\"a value line needs --topic\"}")
                output.write(writer.bytes)
                counts.deadLetters += 1
                continue
            }
            let route = routes[record.topic] ?? decoder.route(forTopic: record.topic)
            routes[record.topic] = route
            let outcome = decode(decoder, route: route, record: record)
            writer.raw(",\"topic\":")
            writer.string(record.topic)
            writer.raw(",\"partition\":")
            writer.integer(record.partition)
            writer.raw(",\"offset\":")
            writer.integer(record.offset)
            switch outcome {
            case .row(let table, let operation):
                counts.rows += 1
                let batch = try decoder.takeBatch(table)
                writer.raw(",\"table\":")
                writer.string(batch.definition.name)
                writer.raw(",\"schema_version\":")
                writer.integer(batch.definition.version)
                writer.raw(",\"op\":")
                writer.string(operation.description)
                writer.raw(",\"row\":")
                RowFormatter.write(batch, row: 0, to: &writer)
            case .heartbeat(let micros):
                counts.heartbeats += 1
                writer.raw(",\"heartbeat\":{\"source_ts\":")
                if let micros { writer.string(CivilTime.isoTimestamp(micros: micros)) } else { writer.null() }
                writer.byte(UInt8(ascii: "}"))
            case .deadLetter(let letter):
                counts.deadLetters += 1
                writer.raw(",\"dead_letter\":{\"reason\":")
                writer.string(letter.reason.description)
                writer.raw(",\"message\":")
                writer.string(letter.message)
                writer.byte(UInt8(ascii: "}"))
            }
            writer.byte(UInt8(ascii: "}"))
            output.write(writer.bytes)
            for change in decoder.takeSchemaChanges() {
                output.write(describe(change))
            }
        }
        output.flush()
        printError("decode: \(counts.rows) rows, \(counts.heartbeats) heartbeats, \(counts.deadLetters) dead letters")
    }

    private func decode(_ decoder: ChangeDecoder, route: TopicRoute, record: KcatEnvelope) -> DecodeOutcome {
        func withOptional<R>(_ bytes: [UInt8]?, _ body: (UnsafeRawBufferPointer?) -> R) -> R {
            guard let bytes else { return body(nil) }
            return bytes.withUnsafeBytes { body($0) }
        }
        return withOptional(record.key) { key in
            withOptional(record.payload) { value in
                decoder.decode(
                    route: route, partition: record.partition, offset: record.offset, timestampMs: record.timestampMs, key: key, value: value
                )
            }
        }
    }

    private func describe(_ change: SchemaChange) -> [UInt8] {
        var writer = JSONWriter()
        writer.raw("{\"schema_change\":{\"table\":")
        writer.string(change.table)
        writer.raw(",\"from_version\":")
        writer.integer(change.fromVersion)
        writer.raw(",\"to_version\":")
        writer.integer(change.toVersion)
        writer.raw(",\"added_columns\":[")
        for (index, column) in change.addedColumns.enumerated() {
            if index > 0 { writer.byte(UInt8(ascii: ",")) }
            writer.string("\(column.name) \(column.type)")
        }
        writer.raw("],\"ddl\":{")
        for (index, dialect) in SQLDialect.all.enumerated() {
            if index > 0 { writer.byte(UInt8(ascii: ",")) }
            writer.key(dialect.description)
            writer.string(change.ddl(dialect).joined(separator: "\n"))
        }
        writer.raw("}}}")
        return writer.bytes
    }
}
