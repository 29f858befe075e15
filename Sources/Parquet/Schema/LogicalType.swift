/// The unit of a TIMESTAMP or TIME logical type.
public enum TimeUnit: Sendable, Hashable {
    /// Milliseconds.
    case millis
    /// Microseconds.
    case micros
    /// Nanoseconds. Readable, but the writer refuses it: Redshift COPY cannot load it.
    case nanos
}

/// Parquet logical types (parquet-format LogicalTypes.md) that annotate a physical type.
///
/// The writer also emits the matching legacy `ConvertedType` for every case that has one.
public enum LogicalType: Sendable, Hashable {
    /// UTF-8 text on BYTE_ARRAY.
    case string
    /// UTF-8 JSON text on BYTE_ARRAY.
    case json
    /// 16-byte UUID on FIXED_LEN_BYTE_ARRAY(16).
    case uuid
    /// Days since 1970-01-01 on INT32.
    case date
    /// Instant or local time since the epoch on INT64.
    case timestamp(isAdjustedToUTC: Bool, unit: TimeUnit)
    /// Time of day. Readable only: Redshift cannot load the TIME type, so the writer refuses it.
    case time(isAdjustedToUTC: Bool, unit: TimeUnit)
    /// Exact decimal: INT32 when precision ≤ 9, INT64 when ≤ 18, FIXED_LEN_BYTE_ARRAY above.
    case decimal(precision: Int, scale: Int)
    /// Integer of 8, 16, 32 or 64 bits on INT32 or INT64.
    case integer(bitWidth: Int, isSigned: Bool)
    /// Enumeration text on BYTE_ARRAY. Readable only.
    case enumeration
}

/// Whether a column of a flat schema may hold nulls.
public enum Repetition: Int32, Sendable, Hashable {
    /// Every row has a value (max definition level 0).
    case required = 0
    /// A row may be null (max definition level 1).
    case optional = 1
}
