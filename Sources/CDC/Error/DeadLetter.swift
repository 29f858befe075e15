/// Why a record could not become a row. Callers (metrics, the DLQ writer, alerting) match on
/// these codes; the stable snake_case `description` is what the dead-letter record carries.
public struct DeadLetterReason: Sendable, Hashable, CustomStringConvertible {
    private enum Value: String, Sendable, CaseIterable {
        case malformedJSON = "malformed_json"
        case invalidUTF8 = "invalid_utf8"
        case schemaMismatch = "schema_mismatch"
        case missingRequiredField = "missing_required_field"
        case typeMismatch = "type_mismatch"
        case badBase64 = "bad_base64"
        case decimalOverflow = "decimal_overflow"
        case badTimestamp = "bad_timestamp"
        case oversized
        case valueTooLong = "value_too_long"
        case invalidValue = "invalid_value"
        case unknownTopic = "unknown_topic"
        case incompatibleSchema = "incompatible_schema"
        case unsupportedOperation = "unsupported_operation"
        case malformedCSV = "malformed_csv"
    }

    private let value: Value
    private init(_ value: Value) { self.value = value }

    /// The bytes are not JSON (syntax error, truncation, nesting deeper than the limit).
    public static let malformedJSON = DeadLetterReason(.malformedJSON)
    /// A string holds bytes that are not UTF-8, or an escape that names no character.
    public static let invalidUTF8 = DeadLetterReason(.invalidUTF8)
    /// The payload's shape disagrees with its schema: an undeclared field, a field twice,
    /// a payload that is not an object.
    public static let schemaMismatch = DeadLetterReason(.schemaMismatch)
    /// A key column, a non-optional field or a NOT NULL column is null or absent.
    public static let missingRequiredField = DeadLetterReason(.missingRequiredField)
    /// A value's JSON type or range does not fit its field (a string for an int32, 40000 for
    /// an int16, a fraction for an integer).
    public static let typeMismatch = DeadLetterReason(.typeMismatch)
    /// A bytes or Decimal value is not valid base64.
    public static let badBase64 = DeadLetterReason(.badBase64)
    /// A decimal exceeds the column's precision, or needs more fractional digits than its scale.
    public static let decimalOverflow = DeadLetterReason(.decimalOverflow)
    /// A date, time or timestamp cannot be parsed or is outside what the warehouse stores.
    public static let badTimestamp = DeadLetterReason(.badTimestamp)
    /// The record exceeds `DecoderConfiguration.maxMessageBytes`.
    public static let oversized = DeadLetterReason(.oversized)
    /// A text or bytes value exceeds its column's byte limit (Redshift VARCHAR(n) is in bytes).
    public static let valueTooLong = DeadLetterReason(.valueTooLong)
    /// A value of the right JSON type has invalid content: a malformed UUID, a `Json` string
    /// that is not JSON, text holding U+0000 (which no warehouse text type stores).
    public static let invalidValue = DeadLetterReason(.invalidValue)
    /// The topic feeds no table and is no heartbeat topic.
    public static let unknownTopic = DeadLetterReason(.unknownTopic)
    /// The record's schema breaks the evolution policy (narrowing, a type change, a decimal
    /// scale change, a new required field without default); the message names both schemas.
    public static let incompatibleSchema = DeadLetterReason(.incompatibleSchema)
    /// The change kind is not c, u, d or r (a truncate or a logical message).
    public static let unsupportedOperation = DeadLetterReason(.unsupportedOperation)
    /// A snapshot CSV record breaks RFC 4180: a quote inside an unquoted field, text after a
    /// closing quote, a quoted field never closed, or another number of fields than the header.
    public static let malformedCSV = DeadLetterReason(.malformedCSV)

    /// Every reason.
    public static let all: [DeadLetterReason] = Value.allCases.map(DeadLetterReason.init)

    /// The stable snake_case code, e.g. `bad_base64`.
    public var description: String { value.rawValue }
}

/// A record set aside instead of becoming a row, with everything needed to replay it: the
/// original key and value bytes (copied), where it was read, and why it failed.
public struct DeadLetter: Sendable, Hashable {
    /// Why it failed.
    public var reason: DeadLetterReason
    /// For humans: the field, the value's position and what was expected. For
    /// `incompatible_schema`, both schemas.
    public var message: String
    /// The topic it was read from.
    public var topic: String
    /// The partition.
    public var partition: Int32
    /// The offset in the partition.
    public var offset: Int64
    /// The Kafka timestamp, milliseconds since the epoch.
    public var timestampMs: Int64
    /// The key bytes as received, nil for a null key.
    public var key: [UInt8]?
    /// The value bytes as received, nil for a tombstone.
    public var value: [UInt8]?

    /// A dead letter with every attribute given.
    public init(
        reason: DeadLetterReason, message: String, topic: String, partition: Int32, offset: Int64, timestampMs: Int64,
        key: [UInt8]?, value: [UInt8]?
    ) {
        self.reason = reason
        self.message = message
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.timestampMs = timestampMs
        self.key = key
        self.value = value
    }
}
