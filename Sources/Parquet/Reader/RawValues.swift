/// Decoded values in the reader's working layout: fixed-width values back to back (`width`
/// bytes each: little-endian numbers, FIXED_LEN_BYTE_ARRAY and INT96 bytes, booleans as one
/// byte 0 or 1), or variable-length values as bytes plus offsets. Converted to `ColumnData`
/// once the column chunk is complete.
struct RawValues {
    /// Bytes per value, or nil for BYTE_ARRAY.
    let width: Int?
    /// The values' bytes.
    var bytes: [UInt8] = []
    /// Value boundaries for BYTE_ARRAY (`count + 1` entries).
    var offsets: [Int] = [0]
    /// Number of values.
    private(set) var count = 0
    /// Most bytes the values may take (`ReaderOptions.maxDecodedColumnBytes`).
    let limit: Int

    /// An empty store for values `width` bytes wide (nil: variable length), holding at most
    /// `limit` bytes.
    init(width: Int?, limit: Int) {
        self.width = width
        self.limit = limit
    }

    /// Throws `limitExceeded` unless `more` bytes still fit.
    @inline(__always) private func ensureRoom(_ more: Int) throws {
        guard more <= limit - bytes.count else {
            throw ParquetError(.limitExceeded, "a column decodes to more than \(limit) bytes (ReaderOptions.maxDecodedColumnBytes)")
        }
    }

    /// Appends `n` fixed-width values from `pointer` (`n * width` bytes).
    mutating func appendFixed(_ pointer: UnsafeRawPointer, count n: Int) throws {
        try ensureRoom(n * (width ?? 0))
        bytes.append(contentsOf: UnsafeRawBufferPointer(start: pointer, count: n * (width ?? 0)))
        count += n
    }

    /// Appends one variable-length value.
    mutating func appendVariable(_ pointer: UnsafeRawPointer, length: Int) throws {
        try ensureRoom(length)
        bytes.append(contentsOf: UnsafeRawBufferPointer(start: pointer, count: length))
        offsets.append(bytes.count)
        count += 1
    }

    /// Appends the slot of a null row: zero bytes, or an empty value.
    mutating func appendNull() throws {
        if let width {
            try ensureRoom(width)
            bytes.append(contentsOf: repeatElement(0, count: width))
        } else {
            offsets.append(bytes.count)
        }
        count += 1
    }

    /// Appends value `index` of `other` (same layout).
    mutating func append(_ other: RawValues, at index: Int) throws {
        if let width {
            try ensureRoom(width)
            let start = index * width
            bytes.append(contentsOf: other.bytes[start..<start + width])
        } else {
            try ensureRoom(other.offsets[index + 1] - other.offsets[index])
            bytes.append(contentsOf: other.bytes[other.offsets[index]..<other.offsets[index + 1]])
            offsets.append(bytes.count)
        }
        count += 1
    }

    /// Drops the values after the first `n`.
    mutating func truncate(to n: Int) {
        guard n < count else { return }
        if let width {
            bytes.removeLast(bytes.count - n * width)
        } else {
            bytes.removeLast(bytes.count - offsets[n])
            offsets.removeLast(offsets.count - n - 1)
        }
        count = n
    }

    /// Reserves room for `n` more values of about `bytesPerValue` bytes (within the limit).
    mutating func reserve(_ n: Int, bytesPerValue: Int) {
        bytes.reserveCapacity(bytes.count + min(n * bytesPerValue, limit - bytes.count))
        if width == nil { offsets.reserveCapacity(offsets.count + n) }
    }

    /// The values as the batch representation of `physicalType`.
    func columnValues(_ physicalType: PhysicalType) -> ColumnValues {
        switch physicalType {
        case .boolean: .boolean(bytes.map { $0 != 0 })
        case .int32: .int32(Self.typed(bytes, Int32.self))
        case .int64: .int64(Self.typed(bytes, Int64.self))
        case .float: .float(Self.typed(bytes, Float.self))
        case .double: .double(Self.typed(bytes, Double.self))
        case .byteArray: .byteArray(ByteArrayValues(bytes: bytes, offsets: offsets))
        case .fixedLenByteArray, .int96: .fixedLenByteArray(FixedLenByteArrayValues(bytes: bytes, width: width ?? 0))
        }
    }

    private static func typed<T: BitwiseCopyable>(_ bytes: [UInt8], _: T.Type) -> [T] {
        let n = bytes.count / MemoryLayout<T>.size
        return [T](unsafeUninitializedCapacity: n) { buffer, initialized in
            bytes.withUnsafeBytes { source in
                if let target = buffer.baseAddress, let base = source.baseAddress {
                    UnsafeMutableRawPointer(target).copyMemory(from: base, byteCount: n * MemoryLayout<T>.size)
                }
            }
            initialized = n
        }
    }
}
