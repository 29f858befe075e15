import Parquet

/// One value column of a dimension, stored by slot.
///
/// Each physical type uses one typed array (mutated in place). Byte arrays live in an
/// append-only arena, one allocation per column rather than per value; replaced values leave
/// garbage that `compactIfWasteful` reclaims once it outweighs the live bytes.
struct DimensionColumn {
    let physicalType: PhysicalType
    let width: Int
    private var valid: [Bool] = []
    private var booleans: [Bool] = []
    private var int32s: [Int32] = []
    private var int64s: [Int64] = []
    private var floats: [Float] = []
    private var doubles: [Double] = []
    private var arena: [UInt8] = []
    private var starts: [Int] = []
    private var lengths: [Int32] = []
    private var garbage = 0

    init(physicalType: PhysicalType, typeLength: Int) {
        self.physicalType = physicalType == .int96 ? .int64 : physicalType
        self.width = physicalType == .fixedLenByteArray ? typeLength : 0
    }

    /// Grows the column by one null slot.
    mutating func appendSlot() {
        valid.append(false)
        switch physicalType {
        case .boolean: booleans.append(false)
        case .int32: int32s.append(0)
        case .int64, .int96: int64s.append(0)
        case .float: floats.append(0)
        case .double: doubles.append(0)
        case .byteArray:
            starts.append(arena.count)
            lengths.append(0)
        case .fixedLenByteArray: arena.append(contentsOf: repeatElement(0, count: width))
        }
    }

    /// Stores row `row` of `source` in `slot`. Returns false (and stores null) when the source
    /// column's type differs from this column's.
    @discardableResult
    mutating func set(_ slot: Int, from source: ColumnData, row: Int) -> Bool {
        clear(slot)
        guard source.validity?[row] ?? true else { return true }
        switch source.values {
        case .boolean(let input) where physicalType == .boolean: booleans[slot] = input[row]
        case .int32(let input) where physicalType == .int32: int32s[slot] = input[row]
        case .int64(let input) where physicalType == .int64: int64s[slot] = input[row]
        case .float(let input) where physicalType == .float: floats[slot] = input[row]
        case .double(let input) where physicalType == .double: doubles[slot] = input[row]
        case .byteArray(let input) where physicalType == .byteArray:
            let range = input.offsets[row]..<input.offsets[row + 1]
            starts[slot] = arena.count
            lengths[slot] = Int32(range.count)
            arena.append(contentsOf: input.bytes[range])
        case .fixedLenByteArray(let input) where physicalType == .fixedLenByteArray && input.width == width:
            arena.replaceSubrange((slot * width)..<(slot * width + width), with: input.bytes[(row * width)..<(row * width + width)])
        default:
            return false
        }
        valid[slot] = true
        return true
    }

    /// Marks `slot` null; its bytes, if any, become garbage.
    mutating func clear(_ slot: Int) {
        if valid[slot] && physicalType == .byteArray { garbage += Int(lengths[slot]) }
        valid[slot] = false
    }

    /// Values of `slots` in order; a negative slot (a join miss) or a null slot yields null.
    func gather(_ slots: [Int32]) -> ColumnData {
        var validity = [Bool](repeating: false, count: slots.count)
        var allValid = true
        slots.withUnsafeBufferPointer { slots in
            valid.withUnsafeBufferPointer { valid in
                for index in slots.indices {
                    let slot = Int(slots[index])
                    let isValid = slot >= 0 && valid[slot]
                    validity[index] = isValid
                    allValid = allValid && isValid
                }
            }
        }
        func pick<T>(_ values: [T], _ zero: T) -> [T] {
            var output = [T](repeating: zero, count: slots.count)
            values.withUnsafeBufferPointer { values in
                for index in slots.indices where validity[index] { output[index] = values[Int(slots[index])] }
            }
            return output
        }
        let values: ColumnValues
        switch physicalType {
        case .boolean: values = .boolean(pick(booleans, false))
        case .int32: values = .int32(pick(int32s, 0))
        case .int64, .int96: values = .int64(pick(int64s, 0))
        case .float: values = .float(pick(floats, 0))
        case .double: values = .double(pick(doubles, 0))
        case .byteArray: values = .byteArray(gatherBytes(slots, validity))
        case .fixedLenByteArray: values = .fixedLenByteArray(gatherFixed(slots, validity))
        }
        return ColumnData(values: values, validity: allValid ? nil : validity)
    }

    /// Byte-array values of `slots`, sized once and copied in bulk from the arena.
    private func gatherBytes(_ slots: [Int32], _ validity: [Bool]) -> ByteArrayValues {
        var offsets = [Int](repeating: 0, count: slots.count + 1)
        var total = 0
        for index in slots.indices {
            if validity[index] { total += Int(lengths[Int(slots[index])]) }
            offsets[index + 1] = total
        }
        let bytes = [UInt8](unsafeUninitializedCapacity: total) { buffer, initialized in
            arena.withUnsafeBufferPointer { arena in
                guard let source = arena.baseAddress, let target = buffer.baseAddress else { return }
                for index in slots.indices where validity[index] {
                    let slot = Int(slots[index])
                    (target + offsets[index]).update(from: source + starts[slot], count: Int(lengths[slot]))
                }
            }
            initialized = total
        }
        return ByteArrayValues(bytes: bytes, offsets: offsets)
    }

    /// Fixed-width values of `slots` (zeros where null).
    private func gatherFixed(_ slots: [Int32], _ validity: [Bool]) -> FixedLenByteArrayValues {
        var bytes = [UInt8](repeating: 0, count: slots.count * width)
        for index in slots.indices where validity[index] {
            let slot = Int(slots[index])
            bytes.replaceSubrange((index * width)..<(index * width + width), with: arena[(slot * width)..<(slot * width + width)])
        }
        return FixedLenByteArrayValues(bytes: bytes, width: width)
    }

    /// Rewrites the byte arena without garbage once garbage exceeds half the arena (and 1 MiB).
    mutating func compactIfWasteful() {
        guard physicalType == .byteArray, garbage > arena.count / 2, garbage > 1 << 20 else { return }
        var fresh: [UInt8] = []
        fresh.reserveCapacity(arena.count - garbage)
        for slot in starts.indices where valid[slot] {
            let start = starts[slot]
            starts[slot] = fresh.count
            fresh.append(contentsOf: arena[start..<(start + Int(lengths[slot]))])
        }
        arena = fresh
        garbage = 0
    }
}
