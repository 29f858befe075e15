/// The ways a record is deliberately broken (`--malformed-rate`), each with the dead-letter
/// reason the decoder must give it.
enum Corruption: CaseIterable {
    case truncated, invalidUTF8, wrongType, badBase64, decimalOverflow, badTimestamp, missingRequired, undeclaredField,
        incompatibleSchema

    /// The `DeadLetterReason` code the decoder must report.
    var expectedReason: String {
        switch self {
        case .truncated: "malformed_json"
        case .invalidUTF8: "invalid_utf8"
        case .wrongType: "type_mismatch"
        case .badBase64: "bad_base64"
        case .decimalOverflow: "decimal_overflow"
        case .badTimestamp: "bad_timestamp"
        case .missingRequired: "missing_required_field"
        case .undeclaredField: "schema_mismatch"
        case .incompatibleSchema: "incompatible_schema"
        }
    }

    /// The field whose value is replaced, and its raw JSON replacement, for the corruptions
    /// made by swapping one value.
    var replacement: (field: String, json: String)? {
        switch self {
        case .wrongType: ("value_int", "\"not-a-number\"")
        case .badBase64: ("value_decimal", "\"@@not*base64\"")
        // 10^21 unscaled: 22 digits, more than DECIMAL(20,5) holds.
        case .decimalOverflow: ("value_decimal", "\"NjXJrcXeoAAA\"")
        case .badTimestamp: ("ingested_at", "\"2026-13-45T25:61:00Z\"")
        case .missingRequired: ("tenant_id", "null")
        default: nil
        }
    }
}
