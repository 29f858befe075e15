/// Writes Thrift compact protocol (Apache Thrift `thrift-compact-protocol.md`) into a
/// `ByteBuffer`: the encoding of every Parquet footer and page header.
///
/// Field ids are delta-encoded against the previous field of the same struct, so callers write
/// each struct between `beginStruct()` and `endStruct()`, fields in increasing id order.
struct CompactEncoder {
    /// Where the bytes go.
    let buffer: ByteBuffer
    private var lastFieldID: Int16 = 0
    private var enclosingFieldIDs: [Int16] = []

    /// An encoder appending to `buffer`.
    init(buffer: ByteBuffer) {
        self.buffer = buffer
    }

    /// Starts a struct (top level or nested): field ids restart from zero.
    mutating func beginStruct() {
        enclosingFieldIDs.append(lastFieldID)
        lastFieldID = 0
    }

    /// Ends the current struct with a stop byte.
    mutating func endStruct() {
        buffer.append(CompactType.stop.rawValue)
        lastFieldID = enclosingFieldIDs.popLast() ?? 0
    }

    /// A field header: the id delta in the high nibble when it is 1...15, else a zigzag i16 id.
    mutating func fieldHeader(_ id: Int16, _ type: CompactType) {
        let delta = Int(id) - Int(lastFieldID)
        if delta > 0 && delta <= 15 {
            buffer.append(UInt8(delta << 4) | type.rawValue)
        } else {
            buffer.append(type.rawValue)
            buffer.appendVarint(Self.zigzag(Int64(id)))
        }
        lastFieldID = id
    }

    /// A boolean field; its value is the field header's type.
    mutating func bool(_ id: Int16, _ value: Bool) {
        fieldHeader(id, value ? .booleanTrue : .booleanFalse)
    }

    /// An `i8` field.
    mutating func byte(_ id: Int16, _ value: Int8) {
        fieldHeader(id, .byte)
        buffer.append(UInt8(bitPattern: value))
    }

    /// An `i16` field.
    mutating func i16(_ id: Int16, _ value: Int16) {
        fieldHeader(id, .i16)
        buffer.appendVarint(Self.zigzag(Int64(value)))
    }

    /// An `i32` field (also enums).
    mutating func i32(_ id: Int16, _ value: Int32) {
        fieldHeader(id, .i32)
        buffer.appendVarint(Self.zigzag(Int64(value)))
    }

    /// An `i64` field.
    mutating func i64(_ id: Int16, _ value: Int64) {
        fieldHeader(id, .i64)
        buffer.appendVarint(Self.zigzag(value))
    }

    /// A `binary` field.
    mutating func binary(_ id: Int16, _ value: [UInt8]) {
        fieldHeader(id, .binary)
        binaryElement(value)
    }

    /// A `string` field, as UTF-8.
    mutating func string(_ id: Int16, _ value: String) {
        fieldHeader(id, .binary)
        stringElement(value)
    }

    /// A nested struct field; the struct's own `write` follows.
    mutating func structField(_ id: Int16) {
        fieldHeader(id, .structure)
    }

    /// A list field's header; the elements follow.
    mutating func listField(_ id: Int16, count: Int, of elementType: CompactType) {
        fieldHeader(id, .list)
        listHeader(count: count, of: elementType)
    }

    /// A list header: the size in the high nibble when below 15, else 0xF and a varint.
    mutating func listHeader(count: Int, of elementType: CompactType) {
        if count < 15 {
            buffer.append(UInt8(count << 4) | elementType.rawValue)
        } else {
            buffer.append(0xF0 | elementType.rawValue)
            buffer.appendVarint(UInt64(count))
        }
    }

    /// An `i32` list element.
    mutating func i32Element(_ value: Int32) {
        buffer.appendVarint(Self.zigzag(Int64(value)))
    }

    /// A `binary` list element (or field value).
    mutating func binaryElement(_ value: [UInt8]) {
        buffer.appendVarint(UInt64(value.count))
        buffer.append(value)
    }

    /// A `string` list element (or field value), as UTF-8.
    mutating func stringElement(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            buffer.appendVarint(UInt64(utf8.count))
            buffer.append(UnsafeRawBufferPointer(utf8))
        }
    }

    /// Zigzag encoding: small magnitudes of either sign become small unsigned numbers.
    static func zigzag(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }
}
