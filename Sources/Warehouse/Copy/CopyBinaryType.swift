/// The PostgreSQL type of a staging column as far as `COPY … (FORMAT binary)` is concerned: the
/// binary format is the type's own send/receive form, so the bytes must be made for the exact
/// declared type (PostgreSQL documentation, "COPY", "Binary Format": "it will not work to output
/// binary data from a smallint column and read it into an integer column").
public enum CopyBinaryType: Sendable, Hashable {
    /// BOOLEAN (`boolrecv`: one byte, non-zero is true).
    case boolean
    /// INTEGER (`int4recv`: int32).
    case int4
    /// BIGINT (`int8recv`: int64).
    case int8
    /// DOUBLE PRECISION (`float8recv`: the IEEE 754 bits).
    case float8
    /// NUMERIC(p,s) (`numeric_recv`: ndigits, weight, sign, dscale, base-10000 digits).
    case numeric
    /// TEXT, VARCHAR(n) and CHAR(n) (`textrecv`, `varcharrecv`, `bpcharrecv`: the UTF-8 bytes,
    /// checked and length-limited by the server as their text input is).
    case text
    /// JSONB (`jsonb_recv`: version byte 1, then the JSON text).
    case jsonb
    /// UUID (`uuid_recv`: the 16 bytes).
    case uuid
    /// DATE (`date_recv`: int32 days since 2000-01-01).
    case date
    /// TIMESTAMP and TIMESTAMPTZ (`timestamp_recv`, `timestamptz_recv`: int64 µs since
    /// 2000-01-01 00:00:00, UTC for TIMESTAMPTZ).
    case timestamp
    /// BYTEA (`bytearecv`: the raw bytes).
    case bytea

    /// The type a column declared as `sqlType` (the PostgreSQL DDL the catalog writes, e.g.
    /// `NUMERIC(20,5)`, `VARCHAR(64)`, `CHAR(1)`), or nil when this encoder has no binary form
    /// for it: such a load is sent as text.
    public init?(sqlType: String) {
        let upper = sqlType.uppercased()
        let base = upper.split(separator: "(", maxSplits: 1).first.map(String.init) ?? upper
        switch base {
        case "BOOLEAN": self = .boolean
        case "INTEGER": self = .int4
        case "BIGINT": self = .int8
        case "DOUBLE PRECISION": self = .float8
        case "NUMERIC", "DECIMAL": self = .numeric
        case "TEXT", "VARCHAR", "CHAR": self = .text
        case "JSONB": self = .jsonb
        case "UUID": self = .uuid
        case "DATE": self = .date
        case "TIMESTAMP", "TIMESTAMPTZ": self = .timestamp
        case "BYTEA": self = .bytea
        default: return nil
        }
    }
}
