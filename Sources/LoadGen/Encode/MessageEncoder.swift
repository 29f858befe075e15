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
/// ExtractNewRecordState with `delete.handling.mode=rewrite` (`delete.tombstone.handling.mode=
/// rewrite-with-tombstone` since Debezium 3.0; tombstones kept) and `add.fields=op,ts_ms,lsn`:
/// the schema, then the payload. The row fields come first, then `__deleted` (the optional
/// string the rewrite inserts, `DefaultDeleteHandlingStrategy.handleRecord`), then the added
/// fields in their configured order, each the optional copy of its envelope or `source` field
/// (`ExtractNewRecordState.addFields`, `FieldReference.getSchema`; debezium/debezium
/// `debezium-connect-plugins`). The schema bytes are built once.
struct MessageEncoder {
    let topic: String
    let fields: [ConnectField]
    private let prefix: [UInt8]

    /// The fields ExtractNewRecordState appends after the row fields.
    static let metadataFields: [ConnectField] = [
        ConnectField(name: "__deleted", schema: ConnectSchema(type: .string)),
        ConnectField(name: "__op", schema: ConnectSchema(type: .string)),
        ConnectField(name: "__ts_ms", schema: ConnectSchema(type: .int64)),
        ConnectField(name: "__lsn", schema: ConnectSchema(type: .int64)),
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

    /// The before-image a delete carries under REPLICA IDENTITY DEFAULT: the key fields
    /// (`key`, by name) with their values; every other field null, or, when its schema is not
    /// optional, the value Debezium puts in a NOT NULL column it was not given. PostgreSQL's old
    /// tuple holds only the identity's columns (`PostgresChangeRecordEmitter.columnValues`), and
    /// `JdbcValueConverters.convertValue` turns a missing NOT NULL value into the column's default
    /// or the type's zero (0, false, "", the epoch; pinned by `RecordsStreamProducerIT
    /// .shouldProcessNotNullColumns*`); JsonConverter cannot write null for a required field.
    func keyOnlyImage(_ key: [String: FieldValue]) -> [FieldValue] {
        fields.map { field in
            if let value = key[field.name] { return value }
            return field.schema.isOptional ? .null : Self.notNullStandIn(field.schema)
        }
    }

    /// The zero Debezium's converters fall back to for a NOT NULL column of this encoding.
    static func notNullStandIn(_ schema: ConnectSchema) -> FieldValue {
        switch (schema.type, schema.name) {
        case (.boolean, _): return .boolean(false)
        case (.float32, _), (.float64, _): return .double(0)
        case (.bytes, ConnectLogicalName.decimal): return .decimal(0)
        case (.bytes, _): return .raw("\"\"")
        // ZonedTimestamp.toIsoString of the epoch at UTC: ISO_OFFSET_DATE_TIME, no fraction.
        case (.string, ConnectLogicalName.zonedTimestamp): return .raw("\"1970-01-01T00:00:00Z\"")
        case (.string, ConnectLogicalName.zonedTime): return .raw("\"00:00:00Z\"")
        case (.string, _): return .text("")
        default: return .integer(0)
        }
    }

    /// One message: `values` line up with `fields`; `extra` members are appended to the
    /// payload as raw JSON (for deliberately broken records).
    func encode(
        _ values: [FieldValue], operation: Character, tsMs: Int64, lsn: Int64, extra: [(String, String)] = []
    ) -> [UInt8] {
        var writer = JSONWriter(capacity: prefix.count + 512)
        writer.raw(bytes: prefix)
        for (index, field) in fields.enumerated() {
            writer.key(field.name)
            Self.write(index < values.count ? values[index] : .null, schema: field.schema, to: &writer)
            writer.byte(UInt8(ascii: ","))
        }
        for (name, json) in extra {
            writer.key(name)
            writer.raw(json)
            writer.byte(UInt8(ascii: ","))
        }
        writer.raw("\"__deleted\":")
        writer.string(operation == "d" ? "true" : "false")
        writer.raw(",\"__op\":")
        writer.string(String(operation))
        writer.raw(",\"__ts_ms\":")
        writer.integer(tsMs)
        writer.raw(",\"__lsn\":")
        writer.integer(lsn)
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
