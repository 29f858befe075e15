public import Catalog

/// The NDJSON lines `millrace decode` prints: what one record became (the typed row, the
/// heartbeat time, or the dead-letter reason), and each schema change.
public enum RecordReport {
    /// Decodes `record` with `decoder` and describes the outcome as one JSON object:
    /// `{"line", "topic", "partition", "offset", "key", "table", "schema_version", "op", "row"}`
    /// for a row (taken from the builders at once), `{…, "key", "heartbeat": {"source_ts"}}`,
    /// or `{…, "key", "dead_letter": {…}}` holding the dead letter in the DLQ's format
    /// (`DeadLetter.writeJSON(to:batch:)`: reason, message, the original bytes in base64).
    /// `key` is the record key as JSON (the payload of a `{"schema","payload"}` key), its text
    /// as a string when it is not JSON, or null for a null key.
    public static func decode(_ record: KcatEnvelope, line: Int, with decoder: ChangeDecoder) -> (outcome: DecodeOutcome, json: [UInt8]) {
        let route = decoder.route(forTopic: record.topic)
        let outcome = withOptionalBytes(record.key) { key in
            withOptionalBytes(record.payload) { value in
                decoder.decode(
                    route: route, partition: record.partition, offset: record.offset, timestampMs: record.timestampMs, key: key, value: value
                )
            }
        }
        var writer = JSONWriter(capacity: ((record.payload?.count ?? 0) + (record.key?.count ?? 0)) * 2 + 256)
        writer.raw("{\"line\":")
        writer.integer(line)
        writer.raw(",\"topic\":")
        writer.string(record.topic)
        writer.raw(",\"partition\":")
        writer.integer(record.partition)
        writer.raw(",\"offset\":")
        writer.integer(record.offset)
        writer.raw(",\"key\":")
        writeKey(record.key, to: &writer)
        switch outcome {
        case .row(let table, let operation):
            if let batch = try? decoder.takeBatch(table), batch.rowCount > 0 {
                writer.raw(",\"table\":")
                writer.string(batch.definition.name)
                writer.raw(",\"schema_version\":")
                writer.integer(batch.definition.version)
                writer.raw(",\"op\":")
                writer.string(operation.description)
                writer.raw(",\"row\":")
                RowFormatter.write(batch, row: batch.rowCount - 1, to: &writer)
            }
        case .heartbeat(let micros):
            writer.raw(",\"heartbeat\":{\"source_ts\":")
            if let micros { writer.string(CivilTime.isoTimestamp(micros: micros)) } else { writer.null() }
            writer.byte(UInt8(ascii: "}"))
        case .deadLetter(let letter):
            writer.raw(",\"dead_letter\":")
            letter.writeJSON(to: &writer)
        }
        writer.byte(UInt8(ascii: "}"))
        return (outcome, writer.bytes)
    }

    /// `{"schema_change": {"table", "from_version", "to_version", "added_columns", "ddl": {dialect: sql}}}`.
    public static func describe(_ change: SchemaChange) -> [UInt8] {
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

    /// The key as JSON when it parses as JSON (unwrapped from a `{"schema","payload"}` key),
    /// else as a string of its text (invalid UTF-8 replaced; the dead letter keeps the bytes).
    private static func writeKey(_ key: [UInt8]?, to writer: inout JSONWriter) {
        guard let key else { return writer.null() }
        let parsed = key.withUnsafeBytes { try? JSONValue.parse($0, maxDepth: 64) }
        guard var value = parsed else { return writer.string(String(decoding: key, as: UTF8.self)) }
        if case .object(let members) = value, members.count == 2, value["schema"] != nil, let payload = value["payload"] {
            value = payload
        }
        value.write(to: &writer)
    }

    private static func withOptionalBytes<R>(_ bytes: [UInt8]?, _ body: (UnsafeRawBufferPointer?) -> R) -> R {
        guard let bytes else { return body(nil) }
        return bytes.withUnsafeBytes { body($0) }
    }
}
