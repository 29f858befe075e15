/// Kafka Connect's schema types (`org.apache.kafka.connect.data.Schema.Type`). The raw value is
/// the name JsonConverter writes in a schema's `type`: the `*_TYPE_NAME` constants of
/// `org.apache.kafka.connect.json.JsonSchema` (apache/kafka,
/// `connect/json/src/main/java/org/apache/kafka/connect/json/JsonSchema.java`), where FLOAT32
/// and FLOAT64 are `"float"` and `"double"`.
public enum ConnectType: String, Sendable, Hashable, CaseIterable {
    /// 8-bit signed integer.
    case int8
    /// 16-bit signed integer.
    case int16
    /// 32-bit signed integer.
    case int32
    /// 64-bit signed integer.
    case int64
    /// IEEE 754 single precision (`FLOAT32`), written `"float"`.
    case float32 = "float"
    /// IEEE 754 double precision (`FLOAT64`), written `"double"`.
    case float64 = "double"
    /// true or false.
    case boolean
    /// UTF-8 text.
    case string
    /// Bytes, base64 in JSON.
    case bytes
    /// A list whose elements share one schema (`items`).
    case array
    /// A map with `keys` and `values` schemas.
    case map
    /// A record with named `fields`.
    case `struct`

    /// The type named `name` in a schema's `type`: JsonConverter's names, and also `float32`
    /// and `float64` (the `Schema.Type` enum's names, which Millrace's `Schemas/` files used
    /// before; stored evolved versions may still spell them so). Nil for any other name.
    public init?(jsonName name: String) {
        switch name {
        case "float32": self = .float32
        case "float64": self = .float64
        default:
            guard let type = ConnectType(rawValue: name) else { return nil }
            self = type
        }
    }

    /// Bits of an integer type, or nil for any other type.
    public var integerBitWidth: Int? {
        switch self {
        case .int8: 8
        case .int16: 16
        case .int32: 32
        case .int64: 64
        default: nil
        }
    }
}

/// A Kafka Connect schema: the `schema` half of a JsonConverter message with
/// `schemas.enable=true`, and the encoding a column is declared with in `Schemas/`.
///
/// Logical types live in `name` (see `ConnectLogicalName`) with their `parameters`, exactly as
/// JsonConverter writes them (Kafka `connect/json` JsonConverter.asJsonSchema).
public struct ConnectSchema: Sendable, Hashable {
    /// The physical type.
    public var type: ConnectType
    /// The schema name: a logical type (`io.debezium.time.ZonedTimestamp`) or a record name.
    public var name: String?
    /// The schema version, when given.
    public var version: Int?
    /// String parameters, e.g. `scale` for `Decimal`.
    public var parameters: [String: String]
    /// True when a value may be null.
    public var isOptional: Bool
    /// The default value's JSON text, or nil when the schema declares none.
    public var defaultValue: String?
    /// The fields of a struct, in order; empty for other types.
    public var fields: [ConnectField]
    /// `[items]` for an array, `[keys, values]` for a map, empty otherwise.
    public var elementSchemas: [ConnectSchema]

    /// A schema with every attribute given.
    public init(
        type: ConnectType,
        name: String? = nil,
        version: Int? = nil,
        parameters: [String: String] = [:],
        isOptional: Bool = true,
        defaultValue: String? = nil,
        fields: [ConnectField] = [],
        elementSchemas: [ConnectSchema] = []
    ) {
        self.type = type
        self.name = name
        self.version = version
        self.parameters = parameters
        self.isOptional = isOptional
        self.defaultValue = defaultValue
        self.fields = fields
        self.elementSchemas = elementSchemas
    }

    /// The field named `name` of a struct, or nil.
    public func field(_ name: String) -> ConnectField? {
        fields.first { $0.name == name }
    }

    /// The `scale` parameter of a `Decimal`, or nil when absent or not an integer.
    public var decimalScale: Int? { parameters["scale"].flatMap { Int($0) } }

    /// The `connect.decimal.precision` parameter Debezium adds to a `Decimal`, or nil.
    public var decimalPrecision: Int? { parameters["connect.decimal.precision"].flatMap { Int($0) } }

    /// The schema as JsonConverter writes it: `type`, then `fields`/`items`/`keys`+`values`,
    /// `optional`, `name`, `version`, `parameters`, `default`. Parameters are written in key
    /// order so that equal schemas have equal bytes.
    public func writeJSON(to writer: inout JSONWriter, fieldName: String? = nil) {
        writer.byte(UInt8(ascii: "{"))
        writer.key("type")
        writer.string(type.rawValue)
        switch type {
        case .struct:
            writer.raw(",\"fields\":[")
            for (index, field) in fields.enumerated() {
                if index > 0 { writer.byte(UInt8(ascii: ",")) }
                field.schema.writeJSON(to: &writer, fieldName: field.name)
            }
            writer.byte(UInt8(ascii: "]"))
        case .array where elementSchemas.count == 1:
            writer.raw(",\"items\":")
            elementSchemas[0].writeJSON(to: &writer)
        case .map where elementSchemas.count == 2:
            writer.raw(",\"keys\":")
            elementSchemas[0].writeJSON(to: &writer)
            writer.raw(",\"values\":")
            elementSchemas[1].writeJSON(to: &writer)
        default:
            break
        }
        writer.raw(",\"optional\":")
        writer.boolean(isOptional)
        if let name {
            writer.raw(",\"name\":")
            writer.string(name)
        }
        if let version {
            writer.raw(",\"version\":")
            writer.integer(version)
        }
        if !parameters.isEmpty {
            writer.raw(",\"parameters\":{")
            for (index, key) in parameters.keys.sorted().enumerated() {
                if index > 0 { writer.byte(UInt8(ascii: ",")) }
                writer.key(key)
                writer.string(parameters[key] ?? "")
            }
            writer.byte(UInt8(ascii: "}"))
        }
        if let defaultValue {
            writer.raw(",\"default\":")
            writer.raw(defaultValue)
        }
        if let fieldName {
            writer.raw(",\"field\":")
            writer.string(fieldName)
        }
        writer.byte(UInt8(ascii: "}"))
    }

    /// The JsonConverter JSON text of this schema.
    public var jsonText: String {
        var writer = JSONWriter()
        writeJSON(to: &writer)
        return writer.text
    }
}

/// One named field of a Connect struct.
public struct ConnectField: Sendable, Hashable {
    /// The field name, as in the payload.
    public var name: String
    /// Its schema.
    public var schema: ConnectSchema

    /// A field named `name` with `schema`.
    public init(name: String, schema: ConnectSchema) {
        self.name = name
        self.schema = schema
    }
}

/// The logical type names that Kafka Connect and Debezium put in a schema's `name`.
public enum ConnectLogicalName {
    /// Connect `Decimal`: bytes of a big-endian two's complement unscaled value; `scale` parameter.
    public static let decimal = "org.apache.kafka.connect.data.Decimal"
    /// Connect `Date`: int32 days since the epoch.
    public static let connectDate = "org.apache.kafka.connect.data.Date"
    /// Connect `Time`: int32 milliseconds since midnight.
    public static let connectTime = "org.apache.kafka.connect.data.Time"
    /// Connect `Timestamp`: int64 milliseconds since the epoch.
    public static let connectTimestamp = "org.apache.kafka.connect.data.Timestamp"
    /// Debezium `VariableScaleDecimal`: struct `{scale: int32, value: bytes}`.
    public static let variableScaleDecimal = "io.debezium.data.VariableScaleDecimal"
    /// Debezium `Date`: int32 days since the epoch.
    public static let date = "io.debezium.time.Date"
    /// Debezium `Time`: int32 milliseconds since midnight.
    public static let time = "io.debezium.time.Time"
    /// Debezium `MicroTime`: int64 microseconds since midnight.
    public static let microTime = "io.debezium.time.MicroTime"
    /// Debezium `NanoTime`: int64 nanoseconds since midnight.
    public static let nanoTime = "io.debezium.time.NanoTime"
    /// Debezium `Timestamp`: int64 milliseconds since the epoch, no time zone.
    public static let timestamp = "io.debezium.time.Timestamp"
    /// Debezium `MicroTimestamp`: int64 microseconds since the epoch, no time zone.
    public static let microTimestamp = "io.debezium.time.MicroTimestamp"
    /// Debezium `NanoTimestamp`: int64 nanoseconds since the epoch, no time zone.
    public static let nanoTimestamp = "io.debezium.time.NanoTimestamp"
    /// Debezium `ZonedTimestamp`: ISO-8601 string with an offset.
    public static let zonedTimestamp = "io.debezium.time.ZonedTimestamp"
    /// Debezium `ZonedTime`: ISO-8601 time string with an offset.
    public static let zonedTime = "io.debezium.time.ZonedTime"
    /// Debezium `Json`: a string holding a JSON document.
    public static let json = "io.debezium.data.Json"
    /// Debezium `Uuid`: a string in 8-4-4-4-12 form.
    public static let uuid = "io.debezium.data.Uuid"
    /// Debezium `Enum`: a string, one of the `allowed` parameter's values.
    public static let enumeration = "io.debezium.data.Enum"
    /// Debezium `EnumSet`: a comma-separated string of `allowed` values.
    public static let enumSet = "io.debezium.data.EnumSet"
    /// Debezium `Bits`: bytes of a bit string; `length` parameter.
    public static let bits = "io.debezium.data.Bits"
    /// Debezium's heartbeat value schema: struct `{ts_ms: int64}`.
    public static let heartbeat = "io.debezium.connector.common.Heartbeat"
}

extension TableDefinition {
    /// The Connect struct schema of this table's row as declared: one field per source column
    /// (named by its source field, with its declared encoding), in staging order. It is what a
    /// schemaless message is decoded against, what the load generator writes, and what an
    /// `incompatible_schema` dead letter shows as the table's side.
    public func connectRowSchema(name: String? = nil) -> ConnectSchema {
        let fields = columns.compactMap { column -> ConnectField? in
            guard case .source(let field, let connect) = column.role else { return nil }
            return ConnectField(name: field, schema: connect)
        }
        return ConnectSchema(type: .struct, name: name, isOptional: false, fields: fields)
    }
}
