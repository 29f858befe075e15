import CDC
import Catalog
import Foundation
import MillraceTesting
import Testing

/// A decoder over a catalog built from YAML text, with helpers to feed it records and read
/// rows back as JSON.
final class Harness {
    let catalog: Catalog
    let decoder: ChangeDecoder
    private var offsets: [String: Int64] = [:]

    init(_ tables: [String], heartbeats: [HeartbeatSource] = [], configuration: DecoderConfiguration = DecoderConfiguration()) throws {
        catalog = try Catalog(tables: tables.map { try TableHistory(Catalog.definition(yaml: $0)) }, heartbeats: heartbeats)
        decoder = try ChangeDecoder(catalog: catalog, configuration: configuration)
    }

    init(catalog: Catalog, configuration: DecoderConfiguration = DecoderConfiguration()) throws {
        self.catalog = catalog
        decoder = try ChangeDecoder(catalog: catalog, configuration: configuration)
    }

    /// Decodes one record; offsets count per topic from 0.
    @discardableResult
    func decode(topic: String, key: String? = nil, value: [UInt8]?, partition: Int32 = 0, timestampMs: Int64 = 1_000) -> DecodeOutcome {
        let offset = offsets[topic, default: 0]
        offsets[topic] = offset + 1
        let route = decoder.route(forTopic: topic)
        let keyBytes = key.map { Array($0.utf8) }
        func with<R>(_ bytes: [UInt8]?, _ body: (UnsafeRawBufferPointer?) -> R) -> R {
            guard let bytes else { return body(nil) }
            return bytes.withUnsafeBytes { body($0) }
        }
        return with(keyBytes) { key in
            with(value) { value in
                decoder.decode(route: route, partition: partition, offset: offset, timestampMs: timestampMs, key: key, value: value)
            }
        }
    }

    /// Decodes a value given as text.
    @discardableResult
    func decode(topic: String, key: String? = nil, text: String) -> DecodeOutcome {
        decode(topic: topic, key: key, value: Array(text.utf8))
    }

    /// The rows buffered for `table`, taken, as JSON objects (RowFormatter's rendering).
    func takeRows(_ table: String) throws -> [String] {
        let id = try #require(decoder.table(named: table))
        let batch = try decoder.takeBatch(id)
        return (0..<batch.rowCount).map { RowFormatter.json(batch, row: $0) }
    }

    /// The dead letter of `outcome`, or a recorded issue.
    static func deadLetter(_ outcome: DecodeOutcome, sourceLocation: SourceLocation = #_sourceLocation) -> DeadLetter? {
        if case .deadLetter(let letter) = outcome { return letter }
        Issue.record("expected a dead letter, got \(outcome)", sourceLocation: sourceLocation)
        return nil
    }

    /// True when `outcome` appended a row.
    static func isRow(_ outcome: DecodeOutcome) -> Bool {
        if case .row = outcome { return true }
        return false
    }
}

/// Builds JsonConverter messages (`schemas.enable=true`) for a table's declared row.
enum Messages {
    /// The unwrapped value schema of `definition` (ExtractNewRecordState adds the `__` fields).
    static func unwrappedSchema(_ definition: TableDefinition, extra: [ConnectField] = [], replacing: [String: ConnectSchema] = [:]) -> ConnectSchema {
        var row = definition.connectRowSchema(name: "\(definition.source.topic ?? definition.name).Value")
        row.fields = row.fields.map { field in ConnectField(name: field.name, schema: replacing[field.name] ?? field.schema) } + extra
        row.fields += ["__op", "__ts_ms", "__lsn", "__deleted"].map { name in
            ConnectField(name: name, schema: ConnectSchema(type: name == "__op" || name == "__deleted" ? .string : .int64))
        }
        return row
    }

    /// `{"schema": schema, "payload": payload}` as bytes.
    static func value(_ schema: ConnectSchema, _ payload: String) -> [UInt8] {
        Array("{\"schema\":\(schema.jsonText),\"payload\":\(payload)}".utf8)
    }
}

/// The value rendering of `column` inside a RowFormatter row: the text after `"column":`.
func field(_ row: String, _ column: String) -> String? {
    guard let start = row.range(of: "\"\(column)\":")?.upperBound else { return nil }
    var depth = 0
    var inString = false
    var escaped = false
    var index = start
    while index < row.endIndex {
        let character = row[index]
        if inString {
            if escaped { escaped = false } else if character == "\\" { escaped = true } else if character == "\"" { inString = false }
        } else if character == "\"" {
            inString = true
        } else if character == "{" || character == "[" {
            depth += 1
        } else if character == "}" || character == "]" {
            if depth == 0 { break }
            depth -= 1
        } else if character == "," && depth == 0 {
            break
        }
        index = row.index(after: index)
    }
    return String(row[start..<index])
}
