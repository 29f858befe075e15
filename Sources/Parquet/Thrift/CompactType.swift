/// Element and field types of the Thrift compact protocol (Apache Thrift,
/// `doc/specs/thrift-compact-protocol.md`), as they appear in field headers and list headers.
enum CompactType: UInt8, Sendable {
    /// End of a struct's fields.
    case stop = 0
    /// A boolean field whose value is true (the value lives in the field header).
    case booleanTrue = 1
    /// A boolean field whose value is false; also the list element type for booleans.
    case booleanFalse = 2
    /// One byte (Thrift `i8`).
    case byte = 3
    /// Zigzag varint `i16`.
    case i16 = 4
    /// Zigzag varint `i32`.
    case i32 = 5
    /// Zigzag varint `i64`.
    case i64 = 6
    /// Eight bytes, little-endian IEEE 754.
    case double = 7
    /// Varint length, then bytes (`binary` and `string`).
    case binary = 8
    /// Size and element type, then elements.
    case list = 9
    /// Encoded as a list.
    case set = 10
    /// Size, key and value types, then pairs.
    case map = 11
    /// Fields, then a stop byte.
    case structure = 12
}
