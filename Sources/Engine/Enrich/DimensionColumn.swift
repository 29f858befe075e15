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

    /// Values of `slots` in order; a nil slot (a join miss) or a null slot yields null.
    func gather(_ slots: [Int32?]) -> ColumnData {
        var validity = [Bool](repeating: false, count: slots.count)
        for (index, slot) in slots.enumerated() {
            if let slot { validity[index] = valid[Int(slot)] }
        }
        func pick<T>(_ values: [T], _ zero: T) -> [T] {
            var output = [T](repeating: zero, count: slots.count)
            for (index, slot) in slots.enumerated() where validity[index] {
                if let slot { output[index] = values[Int(slot)] }
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
        case .byteArray:
            var output = ByteArrayValues()
            output.offsets.reserveCapacity(slots.count + 1)
            for (index, slot) in slots.enumerated() {
                if validity[index], let slot {
                    let start = starts[Int(slot)]
                    output.append(arena[start..<(start + Int(lengths[Int(slot)]))])
                } else {
                    output.appendEmpty()
                }
            }
            values = .byteArray(output)
        case .fixedLenByteArray:
            var output = FixedLenByteArrayValues(width: width)
            output.bytes.reserveCapacity(slots.count * width)
            for (index, slot) in slots.enumerated() {
                if validity[index], let slot {
                    output.bytes.append(contentsOf: arena[(Int(slot) * width)..<(Int(slot) * width + width)])
                } else {
                    output.bytes.append(contentsOf: repeatElement(0, count: width))
                }
            }
            values = .fixedLenByteArray(output)
        }
        return ColumnData(values: values, validity: validity.allSatisfy { $0 } ? nil : validity)
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
