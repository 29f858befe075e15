/// Decoded values in the reader's working layout: fixed-width values back to back (`width`
/// bytes each: little-endian numbers, FIXED_LEN_BYTE_ARRAY and INT96 bytes, booleans as one
/// byte 0 or 1), or variable-length values as bytes plus offsets. Converted to `ColumnData`
/// once the column chunk is complete.
///
/// Every growth of its arrays is charged to the read's `DecodeBudget` before it happens;
/// `release()` returns the charge when a temporary store is dropped.
struct RawValues {
    /// Bytes per value, or nil for BYTE_ARRAY.
    let width: Int?
    /// The values' bytes.
    private(set) var bytes: [UInt8] = []
    /// Value boundaries for BYTE_ARRAY (`count + 1` entries).
    private(set) var offsets: [Int] = [0]
    /// Number of values.
    private(set) var count = 0
    /// The read's memory budget.
    let budget: DecodeBudget
    private var chargedBytes = 0
    private var chargedOffsets = 0

    /// An empty store for values `width` bytes wide (nil: variable length), charging `budget`.
    init(width: Int?, budget: DecodeBudget) {
        self.width = width
        self.budget = budget
    }

    /// Charges room for `more` bytes and, for BYTE_ARRAY, `values` more offsets.
    @inline(__always) private mutating func makeRoom(_ more: Int, values: Int) throws {
        if more > bytes.capacity - bytes.count { try budget.grow(&bytes, by: more, charged: &chargedBytes) }
        if width == nil && values > offsets.capacity - offsets.count {
            try budget.grow(&offsets, by: values, charged: &chargedOffsets)
        }
    }

    /// Appends `n` fixed-width values from `pointer` (`n * width` bytes).
    mutating func appendFixed(_ pointer: UnsafeRawPointer, count n: Int) throws {
        let size = n * (width ?? 0)
        try makeRoom(size, values: 0)
        bytes.append(contentsOf: UnsafeRawBufferPointer(start: pointer, count: size))
        count += n
    }

    /// Appends one variable-length value.
    mutating func appendVariable(_ pointer: UnsafeRawPointer, length: Int) throws {
        try makeRoom(length, values: 1)
        bytes.append(contentsOf: UnsafeRawBufferPointer(start: pointer, count: length))
        offsets.append(bytes.count)
        count += 1
    }

    /// Appends the entries `indices` of `dictionary` (same layout), each index already checked to
    /// be below `dictionary.count`. One pass over raw pointers: a dictionary-encoded page expands
    /// to its values without touching the arrays per value.
    mutating func append(entries indices: UnsafeBufferPointer<UInt32>, of dictionary: RawValues) throws {
        if let width {
            try makeRoom(indices.count * width, values: 0)
            dictionary.bytes.withUnsafeBytes { source in
                for index in indices {
                    bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: source[Int(index) * width..<(Int(index) + 1) * width]))
                }
            }
        } else {
            try makeRoom(0, values: indices.count)
            try dictionary.bytes.withUnsafeBytes { source in
                try dictionary.offsets.withUnsafeBufferPointer { bounds in
                    for index in indices {
                        let range = bounds[Int(index)]..<bounds[Int(index) + 1]
                        try makeRoom(range.count, values: 0)
                        bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: source[range]))
                        offsets.append(bytes.count)
                    }
                }
            }
        }
        count += indices.count
    }

    /// Appends one slot per entry of `levels`: the next value of `page` (same layout) where the
    /// level is non-zero, a null slot (zero bytes, or an empty value) where it is zero. `page`
    /// holds exactly as many values as `levels` has non-zero entries.
    mutating func append(_ page: RawValues, spreadOver levels: [UInt8]) throws {
        if let width {
            let start = bytes.count
            try makeRoom(levels.count * width, values: 0)
            bytes.append(contentsOf: repeatElement(0, count: levels.count * width))
            bytes.withUnsafeMutableBytes { target in
                page.bytes.withUnsafeBytes { source in
                    var next = 0
                    for (slot, level) in levels.enumerated() where level != 0 {
                        (target.baseAddress.unsafelyUnwrapped + start + slot * width)
                            .copyMemory(from: source.baseAddress.unsafelyUnwrapped + next * width, byteCount: width)
                        next += 1
                    }
                }
            }
        } else {
            let base = bytes.count
            try makeRoom(page.bytes.count, values: levels.count)
            bytes.append(contentsOf: page.bytes)
            page.offsets.withUnsafeBufferPointer { bounds in
                var next = 0
                for level in levels {
                    if level != 0 { next += 1 }
                    offsets.append(base + bounds[next])
                }
            }
        }
        count += levels.count
    }

    /// Reserves room for `n` more values of about `bytesPerValue` bytes when that guess takes
    /// at most a quarter of what the budget has left (the appends charge exactly either way).
    mutating func reserve(_ n: Int, bytesPerValue: Int) {
        let (guess, overflow) = n.multipliedReportingOverflow(by: bytesPerValue + (width == nil ? 8 : 0))
        guard !overflow, guess <= (budget.limit - budget.used) / 4 else { return }
        try? makeRoom(n * bytesPerValue, values: n)
    }

    /// Returns this store's charge to the budget (it is being dropped).
    func release() {
        budget.release(chargedBytes + chargedOffsets)
    }

    /// The values as the batch representation of `physicalType`. Byte arrays are handed over
    /// as they are (their charge stays: the caller holds them now); fixed-width numbers and
    /// booleans are copied into typed arrays, charged first, and this store's charge returned.
    consuming func columnValues(_ physicalType: PhysicalType) throws -> ColumnValues {
        switch physicalType {
        case .byteArray: return .byteArray(ByteArrayValues(bytes: bytes, offsets: offsets))
        case .fixedLenByteArray, .int96: return .fixedLenByteArray(FixedLenByteArrayValues(bytes: bytes, width: width ?? 0))
        default: break
        }
        try budget.charge(bytes.count)
        defer { release() }
        switch physicalType {
        case .boolean: return .boolean(bytes.map { $0 != 0 })
        case .int32: return .int32(Self.typed(bytes, Int32.self))
        case .int64: return .int64(Self.typed(bytes, Int64.self))
        case .float: return .float(Self.typed(bytes, Float.self))
        default: return .double(Self.typed(bytes, Double.self))
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
