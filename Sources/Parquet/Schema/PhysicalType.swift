/// Parquet's physical (storage) types, numbered as in parquet-format `parquet.thrift` `Type`.
public enum PhysicalType: Int32, Sendable, Hashable, CaseIterable {
    /// One bit per value, bit-packed in PLAIN.
    case boolean = 0
    /// 32-bit two's complement integer, little-endian.
    case int32 = 1
    /// 64-bit two's complement integer, little-endian.
    case int64 = 2
    /// Deprecated 96-bit timestamps. Read only; the writer never produces it.
    case int96 = 3
    /// IEEE 754 single precision.
    case float = 4
    /// IEEE 754 double precision.
    case double = 5
    /// Length-prefixed bytes.
    case byteArray = 6
    /// Bytes of a fixed length, given by the column's `typeLength`.
    case fixedLenByteArray = 7
}

extension PhysicalType: CustomStringConvertible {
    /// The name used in parquet.thrift, e.g. `FIXED_LEN_BYTE_ARRAY`.
    public var description: String {
        switch self {
        case .boolean: "BOOLEAN"
        case .int32: "INT32"
        case .int64: "INT64"
        case .int96: "INT96"
        case .float: "FLOAT"
        case .double: "DOUBLE"
        case .byteArray: "BYTE_ARRAY"
        case .fixedLenByteArray: "FIXED_LEN_BYTE_ARRAY"
        }
    }
}
