/// The dictionary of one BYTE_ARRAY or FIXED_LEN_BYTE_ARRAY column chunk: entries' bytes back
/// to back in first-seen order, and an open-addressing hash table (linear probing, load ≤ 3/4)
/// from a value's bytes to its index. A slot keeps 32 bits of the hash, so most mismatches are
/// rejected without touching the entry's bytes.
///
/// A struct of raw pointers, with generation-tagged slots, for the same reasons as
/// `FixedWidthDictionary`; the owner calls `deallocate()` exactly once.
struct ByteArrayDictionary {
    private struct Slot {
        var hash: UInt32
        var index: UInt32
        /// The slot is in use when this equals the dictionary's generation.
        var generation: UInt32
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
    private var generation: UInt32 = 1

    /// An empty dictionary; `lengthPrefixed` is true for BYTE_ARRAY (PLAIN writes a length
    /// before each value) and false for FIXED_LEN_BYTE_ARRAY.
    init(lengthPrefixed: Bool) {
        self.lengthPrefixed = lengthPrefixed
        capacityLog2 = 10
        slots = .allocate(capacity: 1 << capacityLog2)
        slots.initialize(repeating: Slot(hash: 0, index: 0, generation: 0), count: 1 << capacityLog2)
        byteCapacity = 16 << 10
        bytes = .allocate(byteCount: byteCapacity, alignment: 8)
        offsetCapacity = 512
        offsets = .allocate(capacity: offsetCapacity)
        offsets[0] = 0
    }

    /// Forgets every entry, keeping the storage.
    mutating func removeAll() {
        count = 0
        encodedSize = 0
        generation &+= 1
        if generation == 0 {
            // After 2^32 chunks, stale generations could match again: clear for real.
            slots.update(repeating: Slot(hash: 0, index: 0, generation: 0), count: 1 << capacityLog2)
            generation = 1
        }
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
            if slot.generation != generation {
                return insert(value, length: length, tag: tag, at: i)
            }
            if slot.hash == tag {
                let start = offsets[Int(slot.index)]
                if offsets[Int(slot.index) + 1] - start == length && Bytes.equal(bytes + start, value, count: length) {
                    return slot.index
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
        slots[slot] = Slot(hash: tag, index: index, generation: generation)
        if count * 4 > 3 << capacityLog2 { grow() }
        return index
    }

    private mutating func grow() {
        let old = slots
        let oldCapacity = 1 << capacityLog2
        capacityLog2 += 1
        let capacity = 1 << capacityLog2
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: Slot(hash: 0, index: 0, generation: 0), count: capacity)
        let mask = capacity - 1
        for j in 0..<oldCapacity where old[j].generation == generation {
            let (pointer, length) = entry(Int(old[j].index))
            var i = Int(truncatingIfNeeded: Bytes.hash(pointer, count: length) >> UInt64(64 - capacityLog2))
            while slots[i].generation == generation { i = (i &+ 1) & mask }
            slots[i] = old[j]
        }
        old.deallocate()
    }
}
