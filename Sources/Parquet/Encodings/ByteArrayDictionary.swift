/// The dictionary of one BYTE_ARRAY or FIXED_LEN_BYTE_ARRAY column chunk: entries' bytes back
/// to back in first-seen order, and an open-addressing hash table (linear probing, load ≤ 1/2)
/// from a value's bytes to its index. A slot keeps 32 bits of the hash, so most mismatches are
/// rejected without touching the entry's bytes.
///
/// A struct of raw pointers for the same reason as `FixedWidthDictionary`; the owner calls
/// `deallocate()` exactly once.
struct ByteArrayDictionary {
    private struct Slot {
        var hash: UInt32
        /// Index + 1; 0 marks an empty slot.
        var indexPlusOne: UInt32
    }

    private var slots: UnsafeMutablePointer<Slot>
    private var capacityLog2: Int
    /// Entry `i` is `bytes[offsets[i] ..< offsets[i + 1]]`.
    private(set) var bytes: UnsafeMutableRawPointer
    private var byteCapacity: Int
    private(set) var offsets: UnsafeMutablePointer<Int>
    private var offsetCapacity: Int
    /// Number of entries.
    private(set) var count = 0
    /// Bytes of the PLAIN dictionary page (with 4-byte length prefixes when `lengthPrefixed`).
    private(set) var encodedSize = 0
    private let lengthPrefixed: Bool

    /// An empty dictionary; `lengthPrefixed` is true for BYTE_ARRAY (PLAIN writes a length
    /// before each value) and false for FIXED_LEN_BYTE_ARRAY.
    init(lengthPrefixed: Bool) {
        self.lengthPrefixed = lengthPrefixed
        capacityLog2 = 10
        slots = .allocate(capacity: 1 << capacityLog2)
        slots.initialize(repeating: Slot(hash: 0, indexPlusOne: 0), count: 1 << capacityLog2)
        byteCapacity = 16 << 10
        bytes = .allocate(byteCount: byteCapacity, alignment: 8)
        offsetCapacity = 512
        offsets = .allocate(capacity: offsetCapacity)
        offsets[0] = 0
    }

    /// Frees the storage. The dictionary must not be used afterwards.
    func deallocate() {
        slots.deallocate()
        bytes.deallocate()
        offsets.deallocate()
    }

    /// Entry `index` as a pointer and length.
    @inline(__always) func entry(_ index: Int) -> (UnsafeRawPointer, Int) {
        (UnsafeRawPointer(bytes + offsets[index]), offsets[index + 1] - offsets[index])
    }

    /// The index of the `length` bytes at `value`, inserting them if new.
    @inline(__always) mutating func index(of value: UnsafeRawPointer, length: Int) -> UInt32 {
        let hash = Bytes.hash(value, count: length)
        let mask = (1 << capacityLog2) - 1
        let tag = UInt32(truncatingIfNeeded: hash)
        var i = Int(truncatingIfNeeded: hash >> UInt64(64 - capacityLog2))
        while true {
            let slot = slots[i]
            if slot.indexPlusOne == 0 {
                return insert(value, length: length, tag: tag, at: i)
            }
            if slot.hash == tag {
                let index = Int(slot.indexPlusOne &- 1)
                let start = offsets[index]
                if offsets[index + 1] - start == length && Bytes.equal(bytes + start, value, count: length) {
                    return slot.indexPlusOne &- 1
                }
            }
            i = (i &+ 1) & mask
        }
    }

    private mutating func insert(_ value: UnsafeRawPointer, length: Int, tag: UInt32, at slot: Int) -> UInt32 {
        let used = offsets[count]
        if used + length > byteCapacity {
            var capacity = byteCapacity * 2
            while capacity < used + length { capacity *= 2 }
            let bigger = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
            bigger.copyMemory(from: bytes, byteCount: used)
            bytes.deallocate()
            bytes = bigger
            byteCapacity = capacity
        }
        if count + 2 > offsetCapacity {
            let bigger = UnsafeMutablePointer<Int>.allocate(capacity: offsetCapacity * 2)
            bigger.moveInitialize(from: offsets, count: count + 1)
            offsets.deallocate()
            offsets = bigger
            offsetCapacity *= 2
        }
        (bytes + used).copyMemory(from: value, byteCount: length)
        let index = UInt32(truncatingIfNeeded: count)
        count += 1
        offsets[count] = used + length
        encodedSize += length + (lengthPrefixed ? 4 : 0)
        slots[slot] = Slot(hash: tag, indexPlusOne: index &+ 1)
        if count * 2 > 1 << capacityLog2 { grow() }
        return index
    }

    private mutating func grow() {
        let old = slots
        let oldCapacity = 1 << capacityLog2
        capacityLog2 += 1
        let capacity = 1 << capacityLog2
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: Slot(hash: 0, indexPlusOne: 0), count: capacity)
        let mask = capacity - 1
        for j in 0..<oldCapacity where old[j].indexPlusOne != 0 {
            let (pointer, length) = entry(Int(old[j].indexPlusOne - 1))
            var i = Int(truncatingIfNeeded: Bytes.hash(pointer, count: length) >> UInt64(64 - capacityLog2))
            while slots[i].indexPlusOne != 0 { i = (i &+ 1) & mask }
            slots[i] = old[j]
        }
        old.deallocate()
    }
}
