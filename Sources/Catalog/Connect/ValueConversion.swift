/// How one Connect value becomes one column value. The catalog decides which conversion joins
/// a field's Connect schema to a column type; the decoder implements each conversion.
public enum ValueConversion: Sendable, Hashable {
    /// JSON true/false.
    case boolean
    /// A JSON integer, range-checked against the Connect width (8, 16, 32 or 64 bits).
    case integer(bitWidth: Int)
    /// A JSON number, or the strings "NaN", "Infinity", "-Infinity".
    case floating
    /// Connect `Decimal`: base64 big-endian two's complement (or a JSON number when
    /// `decimal.format=NUMERIC`) at `scale`.
    case decimal(scale: Int)
    /// A decimal written as text or as a JSON number (`decimal.handling.mode=string|double`),
    /// parsed exactly; a value needing more fractional digits than the column's scale is refused.
    case decimalText
    /// Debezium `VariableScaleDecimal` `{scale, value}`, rescaled exactly or refused.
    case variableScaleDecimal
    /// A JSON string, stored as UTF-8 text.
    case text
    /// A JSON string holding a JSON document (Debezium `Json`), validated and stored as text.
    case jsonText
    /// Any JSON value (array, map, struct), stored as its JSON text.
    case jsonValue
    /// A UUID string, validated and lowercased.
    case uuid
    /// A base64 string, stored as its bytes (Connect `bytes`).
    case bytes
    /// A Connect `string` holding bytes as text (`binary.handling.mode=base64|base64-url-safe|hex`),
    /// stored as the bytes.
    case binaryText(BinaryEncoding)
    /// An integer count of days since the epoch.
    case days
    /// An integer time of day in units of 1/`unitsPerSecond` s, stored as microseconds.
    case timeOfDay(unitsPerSecond: Int64)
    /// Debezium `ZonedTime` (`HH:MM:SS[.f]±hh:mm|Z`), stored as microseconds since midnight UTC.
    case zonedTime
    /// An integer instant in units of 1/`unitsPerSecond` s since the epoch, stored as microseconds.
    case epochTimestamp(unitsPerSecond: Int64)
    /// Debezium `ZonedTimestamp` (ISO-8601 with any offset), stored as UTC microseconds.
    case zonedTimestamp
}

/// How Debezium writes a `bytea` value as a Connect `string` (the PostgreSQL connector's
/// `binary.handling.mode`; `JdbcValueConverters.convertBinaryToBase64`, `…ToBase64UrlSafe` and
/// `…ToHex` in debezium/debezium `debezium-connector-common`). A `bytes` column declares it with
/// the parameter `binary.handling.mode` of its `connect: {type: string}` encoding (default base64).
public enum BinaryEncoding: String, Sendable, Hashable, CaseIterable {
    /// `java.util.Base64.getEncoder()`: RFC 4648 section 4, padded.
    case base64
    /// `java.util.Base64.getUrlEncoder()`: RFC 4648 section 5 (`-`, `_`), padded.
    case base64URLSafe = "base64-url-safe"
    /// `HexConverter.convertToHexString`: two lowercase hex digits per byte (either case accepted).
    case hex

    /// The parameter of a declared `connect` encoding that names the mode.
    public static let parameter = "binary.handling.mode"
}

/// Why a field's Connect schema cannot feed a column: the message of an `incompatible_schema`
/// dead letter.
public struct Incompatibility: Error, Sendable, Hashable, CustomStringConvertible {
    /// For humans: which field, which types, which rule.
    public var description: String

    /// An incompatibility explained by `description`.
    public init(_ description: String) { self.description = description }
}

/// The shape of a Connect encoding that decides whether a later encoding of the same field is
/// the same kind of value, only wider (schema evolution policy, docs/CDC.md).
private enum EncodingFamily: Equatable {
    case boolean
    case integer(bits: Int)
    case floating(bits: Int)
    case decimal(scale: Int?, precision: Int?)
    case variableScaleDecimal
    case text
    case bytes
    case date
    case time(unitsPerSecond: Int64)
    case zonedTime
    case timestamp(unitsPerSecond: Int64, local: Bool)
    case zonedTimestamp
    case complex

    init(_ schema: ConnectSchema) {
        switch (schema.type, schema.name) {
        case (.boolean, _): self = .boolean
        case (.int32, ConnectLogicalName.date), (.int32, ConnectLogicalName.connectDate): self = .date
        case (.int32, ConnectLogicalName.time), (.int32, ConnectLogicalName.connectTime): self = .time(unitsPerSecond: 1_000)
        case (.int64, ConnectLogicalName.microTime): self = .time(unitsPerSecond: 1_000_000)
        case (.int64, ConnectLogicalName.nanoTime): self = .time(unitsPerSecond: 1_000_000_000)
        case (.int64, ConnectLogicalName.timestamp): self = .timestamp(unitsPerSecond: 1_000, local: true)
        case (.int64, ConnectLogicalName.microTimestamp): self = .timestamp(unitsPerSecond: 1_000_000, local: true)
        case (.int64, ConnectLogicalName.nanoTimestamp): self = .timestamp(unitsPerSecond: 1_000_000_000, local: true)
        case (.int64, ConnectLogicalName.connectTimestamp): self = .timestamp(unitsPerSecond: 1_000, local: false)
        case (.int8, _), (.int16, _), (.int32, _), (.int64, _): self = .integer(bits: schema.type.integerBitWidth ?? 64)
        case (.float32, _): self = .floating(bits: 32)
        case (.float64, _): self = .floating(bits: 64)
        case (.bytes, ConnectLogicalName.decimal): self = .decimal(scale: schema.decimalScale, precision: schema.decimalPrecision)
        case (.bytes, _): self = .bytes
        case (.string, ConnectLogicalName.zonedTimestamp): self = .zonedTimestamp
        case (.string, ConnectLogicalName.zonedTime): self = .zonedTime
        case (.string, _): self = .text
        case (.struct, ConnectLogicalName.variableScaleDecimal): self = .variableScaleDecimal
        case (.array, _), (.map, _), (.struct, _): self = .complex
        }
    }

    /// Nil when a field declared as `self` may now arrive as `newer`, else why not.
    func refusal(toward newer: EncodingFamily) -> String? {
        switch (self, newer) {
        case (.integer(let old), .integer(let new)):
            return new >= old ? nil : "narrowing from int\(old) to int\(new)"
        case (.floating(let old), .floating(let new)):
            return new >= old ? nil : "narrowing from \(old == 64 ? "double" : "float") to \(new == 64 ? "double" : "float")"
        case (.decimal(let oldScale, let oldPrecision), .decimal(let newScale, let newPrecision)):
            if oldScale != newScale { return "decimal scale change from \(oldScale ?? -1) to \(newScale ?? -1)" }
            if let oldPrecision, let newPrecision, newPrecision < oldPrecision {
                return "decimal precision narrowing from \(oldPrecision) to \(newPrecision)"
            }
            return nil
        case (.time(let old), .time(let new)), (.timestamp(let old, _), .timestamp(let new, _)):
            if case .timestamp(_, let oldLocal) = self, case .timestamp(_, let newLocal) = newer, oldLocal != newLocal {
                return "change between a local timestamp and an instant"
            }
            return new >= old ? nil : "precision narrowing from 1/\(old) s to 1/\(new) s"
        default:
            return self == newer ? nil : "type change"
        }
    }
}

extension ValueConversion {
    /// The conversion that turns values of `field` into `column`, or why none exists. A
    /// `Decimal` whose declared precision (`connect.decimal.precision`) exceeds the column's is
    /// refused here, not later value by value: its values may need digits the column lacks, so
    /// the column must grow first (a new table version declaring more digits).
    ///
    /// `declared` is the column's declared encoding, when it differs from `field` (a record's
    /// own schema): what Debezium does not write into the schema, such as the text form of
    /// bytes in a `string`, is taken from it.
    public static func resolve(
        field: ConnectSchema, column: ColumnType, declared: ConnectSchema? = nil
    ) -> Result<ValueConversion, Incompatibility> {
        if case .decimal(let precision, let scale) = column, field.name == ConnectLogicalName.decimal, field.decimalScale == scale,
            let fieldPrecision = field.decimalPrecision, fieldPrecision > precision
        {
            return .failure(Incompatibility(
                "decimal precision \(fieldPrecision) exceeds the column's decimal(\(precision),\(scale)); declare a version with more digits"
            ))
        }
        if case .bytes = column, field.type == .string {
            let mode = (declared ?? field).parameters[BinaryEncoding.parameter] ?? BinaryEncoding.base64.rawValue
            guard let encoding = BinaryEncoding(rawValue: mode) else {
                return .failure(Incompatibility(
                    "\(BinaryEncoding.parameter) `\(mode)` is not one of \(BinaryEncoding.allCases.map(\.rawValue).joined(separator: ", "))"
                ))
            }
            return .success(.binaryText(encoding))
        }
        if let conversion = direct(field: field, column: column) { return .success(conversion) }
        if case .decimal(_, let scale) = column, field.name == ConnectLogicalName.decimal, let fieldScale = field.decimalScale,
            fieldScale != scale
        {
            return .failure(Incompatibility("decimal scale change: the column has scale \(scale), the field scale \(fieldScale)"))
        }
        return .failure(Incompatibility("a Connect \(field.summary) cannot feed a \(column) column"))
    }

    /// The conversion, or nil when `field` cannot feed `column`.
    private static func direct(field: ConnectSchema, column: ColumnType) -> ValueConversion? {
        let family = EncodingFamily(field)
        switch (column, family) {
        case (.boolean, .boolean): return .boolean
        case (.bigint, .integer(let bits)): return .integer(bitWidth: bits)
        case (.double, .floating): return .floating
        case (.decimal(_, let scale), .decimal(let fieldScale, _)): return fieldScale == scale ? .decimal(scale: scale) : nil
        case (.decimal, .variableScaleDecimal), (.varchar, .variableScaleDecimal): return .variableScaleDecimal
        case (.decimal, .text), (.decimal, .floating), (.decimal, .integer): return .decimalText
        case (.varchar, .text), (.varchar, .zonedTimestamp), (.varchar, .zonedTime):
            return .text
        case (.json, .text): return .jsonText
        case (.json, .complex): return .jsonValue
        case (.uuid, .text): return .uuid
        case (.bytes, .bytes): return .bytes
        case (.date, .date): return .days
        case (.time, .time(let unitsPerSecond)): return .timeOfDay(unitsPerSecond: unitsPerSecond)
        case (.timetz, .zonedTime): return .zonedTime
        // Connect `Timestamp` (ms) feeds both: Debezium's `time.precision.mode=connect` writes a
        // `timestamp` column's wall clock with it as if it were UTC (postgresql.adoc, "Temporal
        // types"), and for an instant it is the instant.
        case (.timestamp, .timestamp(let unitsPerSecond, true)), (.timestamp, .timestamp(let unitsPerSecond, false)),
            (.timestamptz, .timestamp(let unitsPerSecond, false)):
            return .epochTimestamp(unitsPerSecond: unitsPerSecond)
        case (.timestamptz, .zonedTimestamp): return .zonedTimestamp
        default: return nil
        }
    }

    /// Nil when a field declared with `declared` may arrive with `observed` (the same kind of
    /// value, equal or wider), else why not. Nullability is not compared here.
    public static func evolutionRefusal(declared: ConnectSchema, observed: ConnectSchema) -> Incompatibility? {
        EncodingFamily(declared).refusal(toward: EncodingFamily(observed)).map { reason in
            Incompatibility("\(reason) (declared \(declared.summary), received \(observed.summary))")
        }
    }
}

extension ColumnType {
    /// The column type a new field gets when evolution adds it: wide from the start, so later
    /// widening needs no DDL. Nil when the field's logical type has no column type
    /// (a `Decimal` without a usable scale, or beyond 38 digits).
    public static func inferred(from field: ConnectSchema) -> ColumnType? {
        switch EncodingFamily(field) {
        case .boolean: return .boolean
        case .integer: return .bigint
        case .floating: return .double
        case .decimal(let scale, let precision):
            guard let scale, (0...maxDecimalPrecision).contains(scale) else { return nil }
            let digits = precision ?? maxDecimalPrecision
            guard digits <= maxDecimalPrecision, digits >= max(scale, 1) else { return nil }
            return .decimal(precision: digits, scale: scale)
        case .variableScaleDecimal: return .text
        case .text:
            switch field.name {
            case ConnectLogicalName.json: return .json
            case ConnectLogicalName.uuid: return .uuid
            default: return .text
            }
        case .bytes: return .bytes
        case .date: return .date
        case .time: return .time
        case .zonedTime: return .timetz
        case .timestamp(_, let local): return local ? .timestamp : .timestamptz
        case .zonedTimestamp: return .timestamptz
        case .complex: return .json
        }
    }
}

extension ConnectSchema {
    /// The encoding Debezium's PostgreSQL connector uses by default for a column of `type`
    /// (`decimal.handling.mode=precise`, `time.precision.mode=adaptive_time_microseconds`),
    /// used when a `Schemas/` column does not spell out its `connect` encoding.
    public static func defaultEncoding(for type: ColumnType, optional: Bool) -> ConnectSchema {
        func named(_ connectType: ConnectType, _ name: String, _ parameters: [String: String] = [:]) -> ConnectSchema {
            ConnectSchema(type: connectType, name: name, version: 1, parameters: parameters, isOptional: optional)
        }
        switch type {
        case .boolean: return ConnectSchema(type: .boolean, isOptional: optional)
        case .bigint: return ConnectSchema(type: .int64, isOptional: optional)
        case .double: return ConnectSchema(type: .float64, isOptional: optional)
        case .decimal(let precision, let scale):
            return named(.bytes, ConnectLogicalName.decimal, ["scale": String(scale), "connect.decimal.precision": String(precision)])
        case .varchar: return ConnectSchema(type: .string, isOptional: optional)
        case .json: return named(.string, ConnectLogicalName.json)
        case .uuid: return named(.string, ConnectLogicalName.uuid)
        case .date: return named(.int32, ConnectLogicalName.date)
        case .timestamp: return named(.int64, ConnectLogicalName.microTimestamp)
        case .timestamptz: return named(.string, ConnectLogicalName.zonedTimestamp)
        case .time: return named(.int64, ConnectLogicalName.microTime)
        case .timetz: return named(.string, ConnectLogicalName.zonedTime)
        case .bytes: return ConnectSchema(type: .bytes, isOptional: optional)
        }
    }

    /// A short spelling for messages: `int64`, `string io.debezium.time.ZonedTimestamp`,
    /// `bytes org.apache.kafka.connect.data.Decimal(scale=5)`.
    public var summary: String {
        var text = type.rawValue
        if let name { text += " " + name }
        if !parameters.isEmpty {
            text += "(" + parameters.keys.sorted().map { "\($0)=\(parameters[$0] ?? "")" }.joined(separator: ",") + ")"
        }
        return text
    }
}
