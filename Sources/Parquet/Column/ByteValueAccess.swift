/// Reads the values of a BYTE_ARRAY or FIXED_LEN_BYTE_ARRAY batch column as pointer and length,
/// so one generic writer serves both (specialized per conformance, no per-value dispatch).
protocol ByteValueAccess {
    /// True when PLAIN writes a 4-byte length before each value (BYTE_ARRAY).
    static var lengthPrefixed: Bool { get }
    /// Calls `body` with access to `column`'s values; nil when the column holds another type.
    static func withAccess<T>(to column: ColumnValues, _ body: (Self) throws -> T) rethrows -> T?
    /// The bytes of the value in `row`.
    func value(at row: Int) -> (pointer: UnsafeRawPointer, count: Int)
}

/// BYTE_ARRAY values: `bytes[offsets[row] ..< offsets[row + 1]]`.
struct VariableLengthAccess: ByteValueAccess {
    let bytes: UnsafeRawPointer
    let offsets: UnsafePointer<Int>

    static var lengthPrefixed: Bool { true }

    static func withAccess<T>(to column: ColumnValues, _ body: (VariableLengthAccess) throws -> T) rethrows -> T? {
        guard case .byteArray(let values) = column else { return nil }
        return try values.bytes.withUnsafeBytes { bytes in
            try values.offsets.withUnsafeBufferPointer { offsets in
                try withStableBase(bytes) { base in
                    // Offsets hold at least one element (validated), so the base is non-nil.
                    try body(VariableLengthAccess(bytes: base, offsets: offsets.baseAddress.unsafelyUnwrapped))
                }
            }
        }
    }

    @inline(__always) func value(at row: Int) -> (pointer: UnsafeRawPointer, count: Int) {
        let start = offsets[row]
        return (bytes + start, offsets[row &+ 1] &- start)
    }
}

/// FIXED_LEN_BYTE_ARRAY values: `bytes[row * width ..< (row + 1) * width]`.
struct FixedLengthAccess: ByteValueAccess {
    let bytes: UnsafeRawPointer
    let width: Int

    static var lengthPrefixed: Bool { false }

    static func withAccess<T>(to column: ColumnValues, _ body: (FixedLengthAccess) throws -> T) rethrows -> T? {
        guard case .fixedLenByteArray(let values) = column else { return nil }
        return try values.bytes.withUnsafeBytes { bytes in
            try withStableBase(bytes) { base in try body(FixedLengthAccess(bytes: base, width: values.width)) }
        }
    }

    @inline(__always) func value(at row: Int) -> (pointer: UnsafeRawPointer, count: Int) {
        (bytes + row &* width, width)
    }
}

/// Calls `body` with the buffer's base address, or a valid one-byte address when the buffer is
/// empty (every value then has length zero, so nothing is read through it).
private func withStableBase<T>(_ bytes: UnsafeRawBufferPointer, _ body: (UnsafeRawPointer) throws -> T) rethrows -> T {
    if let base = bytes.baseAddress { return try body(base) }
    var placeholder: UInt8 = 0
    return try withUnsafeBytes(of: &placeholder) { try body($0.baseAddress.unsafelyUnwrapped) }
}
