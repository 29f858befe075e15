import Catalog

/// A value of one row field before encoding.
enum FieldValue {
    case null
    case integer(Int64)
    case double(Double)
    case boolean(Bool)
    case text(String)
    /// An unscaled decimal at the field's scale.
    case decimal(Int128)
    /// Microseconds (since the epoch, or since midnight), encoded per the field's logical type.
    case micros(Int64)
    /// Days since the epoch.
    case days(Int64)
    /// A JSON document, sent as a Debezium `Json` string.
    case json(String)
    /// Text items, sent as a Connect array.
    case array([String])
    /// JSON text written as it is (for deliberately broken records).
    case raw(String)
}

/// Encodes the rows of one topic as JsonConverter writes them with `schemas.enable=true` and
/// ExtractNewRecordState (`add.fields=op,ts_ms,lsn`, `delete.handling.mode=rewrite`): the
/// schema (the table's declared row fields plus `__op`, `__ts_ms`, `__lsn`, `__deleted`), then
/// the payload. The schema bytes are built once.
struct MessageEncoder {
    let topic: String
    let fields: [ConnectField]
    private let prefix: [UInt8]

    /// Metadata fields ExtractNewRecordState appends after the row fields.
    static let metadataFields: [ConnectField] = [
        ConnectField(name: "__op", schema: ConnectSchema(type: .string)),
        ConnectField(name: "__ts_ms", schema: ConnectSchema(type: .int64)),
        ConnectField(name: "__lsn", schema: ConnectSchema(type: .int64)),
        ConnectField(name: "__deleted", schema: ConnectSchema(type: .string)),
    ]

    /// An encoder for `rowFields` on `topic`; the value schema is named `<topic>.Value`.
    init(topic: String, rowFields: [ConnectField]) {
        self.topic = topic
        fields = rowFields
        let schema = ConnectSchema(type: .struct, name: "\(topic).Value", isOptional: false, fields: rowFields + Self.metadataFields)
        var writer = JSONWriter(capacity: 2048)
        writer.raw("{\"schema\":")
        schema.writeJSON(to: &writer)
        writer.raw(",\"payload\":{")
        prefix = writer.bytes
    }

    /// Sets the value of the row field `name` in `row` (which lines up with `fields`); a name
    /// the catalog does not declare is ignored.
    func set(_ name: String, to value: FieldValue, in row: inout [FieldValue]) {
        if let index = fields.firstIndex(where: { $0.name == name }), row.indices.contains(index) { row[index] = value }
    }

    /// One message: `values` line up with `fields`; `extra` members are appended to the
    /// payload as raw JSON (for deliberately broken records).
    func encode(
        _ values: [FieldValue], operation: Character, tsMs: Int64, lsn: Int64, extra: [(String, String)] = []
    ) -> [UInt8] {
        var writer = JSONWriter(capacity: prefix.count + 512)
        writer.raw(bytes: prefix)
        for (field, value) in zip(fields, values) {
            writer.key(field.name)
            Self.write(value, schema: field.schema, to: &writer)
            writer.byte(UInt8(ascii: ","))
        }
        for (name, json) in extra {
            writer.key(name)
            writer.raw(json)
            writer.byte(UInt8(ascii: ","))
        }
        writer.raw("\"__op\":")
        writer.string(String(operation))
        writer.raw(",\"__ts_ms\":")
        writer.integer(tsMs)
        writer.raw(",\"__lsn\":")
        writer.integer(lsn)
        writer.raw(",\"__deleted\":")
        writer.string(operation == "d" ? "true" : "false")
        writer.raw("}}")
        return writer.bytes
    }

    /// Writes `value` in the JSON form JsonConverter gives `schema`'s type.
    static func write(_ value: FieldValue, schema: ConnectSchema, to writer: inout JSONWriter) {
        switch value {
        case .null: writer.null()
        case .integer(let number): writer.integer(number)
        case .double(let number): writer.double(number)
        case .boolean(let flag): writer.boolean(flag)
        case .text(let text): writer.string(text)
        case .json(let text): writer.string(text)
        case .raw(let text): writer.raw(text)
        case .days(let days): writer.integer(days)
        case .decimal(let unscaled):
            var encoded: [UInt8] = []
            Base64Encoding.encode(Base64Encoding.twosComplementBytes(unscaled), into: &encoded)
            writer.string(utf8: encoded)
        case .micros(let micros):
            if schema.name == ConnectLogicalName.zonedTimestamp {
                writer.byte(UInt8(ascii: "\""))
                CivilTime.formatTimestamp(micros: micros, utc: true, into: &writer)
                writer.byte(UInt8(ascii: "\""))
            } else {
                writer.integer(micros)
            }
        case .array(let items):
            writer.byte(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { writer.byte(UInt8(ascii: ",")) }
                writer.string(item)
            }
            writer.byte(UInt8(ascii: "]"))
        }
    }
}
