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

    /// Appends `n` PLAIN BYTE_ARRAY values from `data` (each a 4-byte little-endian length,
    /// then its bytes) and returns the bytes they take, or nil when `data` ends first (then
    /// nothing is appended). Two passes over raw pointers: the lengths are checked and summed,
    /// then room is made once and the bytes copied, so that no value touches the arrays'
    /// bookkeeping on its own.
    mutating func appendPlainByteArrays(_ data: UnsafeRawBufferPointer, count n: Int) throws -> Int? {
        guard n > 0 else { return 0 }
        guard let source = data.baseAddress else { return nil }
        var position = 0
        for _ in 0..<n {
            guard data.count - position >= 4 else { return nil }
            let length = Int(UInt32(littleEndian: source.loadUnaligned(fromByteOffset: position, as: UInt32.self)))
            guard length <= data.count - position - 4 else { return nil }
            position += 4 + length
        }
        let total = position - 4 * n
        let (byteStart, offsetStart) = try extend(bytes: total, values: n)
        bytes.withUnsafeMutableBytes { target in
            offsets.withUnsafeMutableBufferPointer { bounds in
                let out = target.baseAddress.unsafelyUnwrapped
                var read = 0
                var written = byteStart
                for index in 0..<n {
                    let length = Int(UInt32(littleEndian: source.loadUnaligned(fromByteOffset: read, as: UInt32.self)))
                    (out + written).copyMemory(from: source + read + 4, byteCount: length)
                    read += 4 + length
                    written += length
                    bounds[offsetStart + index] = written
                }
            }
        }
        count += n
        return position
    }

    /// Grows `bytes` by `more` zero bytes and, for BYTE_ARRAY, `offsets` by `values` zero
    /// entries (room charged first), to be overwritten in place; returns where each growth starts.
    private mutating func extend(bytes more: Int, values: Int) throws -> (bytes: Int, offsets: Int) {
        try makeRoom(more, values: values)
        let starts = (bytes.count, offsets.count)
        bytes.append(contentsOf: repeatElement(0, count: more))
        if width == nil { offsets.append(contentsOf: repeatElement(0, count: values)) }
        return starts
    }

    /// Appends the entries `indices` of `dictionary` (same layout), each index already checked to
    /// be below `dictionary.count`. Room is made once (for byte arrays after summing the
    /// entries' lengths), then the entries are copied over raw pointers: a dictionary-encoded
    /// page expands to its values without touching the arrays per value.
    mutating func append(entries indices: UnsafeBufferPointer<UInt32>, of dictionary: RawValues) throws {
        if let width {
            let (start, _) = try extend(bytes: indices.count * width, values: 0)
            bytes.withUnsafeMutableBytes { target in
                dictionary.bytes.withUnsafeBytes { source in
                    let out = target.baseAddress.unsafelyUnwrapped + start
                    let entries = source.baseAddress.unsafelyUnwrapped
                    switch width {
                    case 4:
                        for (slot, index) in indices.enumerated() {
                            out.storeBytes(of: entries.loadUnaligned(fromByteOffset: Int(index) * 4, as: UInt32.self), toByteOffset: slot * 4, as: UInt32.self)
                        }
                    case 8:
                        for (slot, index) in indices.enumerated() {
                            out.storeBytes(of: entries.loadUnaligned(fromByteOffset: Int(index) * 8, as: UInt64.self), toByteOffset: slot * 8, as: UInt64.self)
                        }
                    default:
                        for (slot, index) in indices.enumerated() {
                            (out + slot * width).copyMemory(from: entries + Int(index) * width, byteCount: width)
                        }
                    }
                }
            }
        } else {
            let total = dictionary.offsets.withUnsafeBufferPointer { bounds in
                indices.reduce(0) { $0 + bounds[Int($1) + 1] - bounds[Int($1)] }
            }
            let (byteStart, offsetStart) = try extend(bytes: total, values: indices.count)
            bytes.withUnsafeMutableBytes { target in
                offsets.withUnsafeMutableBufferPointer { out in
                    dictionary.bytes.withUnsafeBytes { source in
                        dictionary.offsets.withUnsafeBufferPointer { bounds in
                            let base = target.baseAddress.unsafelyUnwrapped
                            var written = byteStart
                            for (slot, index) in indices.enumerated() {
                                let start = bounds[Int(index)]
                                let length = bounds[Int(index) + 1] - start
                                if length > 0 { (base + written).copyMemory(from: source.baseAddress.unsafelyUnwrapped + start, byteCount: length) }
                                written += length
                                out[offsetStart + slot] = written
                            }
                        }
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
            let (start, _) = try extend(bytes: levels.count * width, values: 0)
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
            let (_, offsetStart) = try extend(bytes: 0, values: levels.count)
            offsets.withUnsafeMutableBufferPointer { out in
                page.offsets.withUnsafeBufferPointer { bounds in
                    var next = 0
                    for (slot, level) in levels.enumerated() {
                        if level != 0 { next += 1 }
                        out[offsetStart + slot] = base + bounds[next]
                    }
                }
            }
        }
        count += levels.count
    }

    /// Reserves room for `n` values taking `size` bytes in all (an estimate) when that takes at
    /// most a quarter of what the budget has left; appends charge exactly either way. Reserving
    /// once spares the copies and page faults of growing by doubling.
    mutating func reserve(_ n: Int, bytes size: Int) {
        let offsetBytes = width == nil ? n * MemoryLayout<Int>.stride : 0
        guard n >= 0, size >= 0, size <= budget.limit, n <= budget.limit, size + offsetBytes <= (budget.limit - budget.used) / 4 else { return }
        try? makeRoom(size, values: n)
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
