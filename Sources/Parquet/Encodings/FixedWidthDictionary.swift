/// The dictionary of one INT32/INT64/FLOAT/DOUBLE column chunk: values in first-seen order and
/// an open-addressing hash table (linear probing, Fibonacci hashing, load ≤ 3/4, which keeps the
/// table of a chunk that reaches the 1 MiB dictionary limit at 4 MiB) from a value's
/// bits to its index.
///
/// A struct of raw pointers so the hot loop can hold it in a local variable (no class property
/// accesses, no reference counting per value). The owner calls `deallocate()` exactly once.
///
/// Slots carry the generation that filled them, so `removeAll()` empties the table in O(1) by
/// bumping the generation: the next column chunk reuses the grown table without clearing or
/// re-growing it.
struct FixedWidthDictionary<V: FixedWidthValue> {
    private struct Slot {
        var key: V.Bits
        var index: UInt32
        /// The slot is in use when this equals the dictionary's generation.
        var generation: UInt32
    }

    private var slots: UnsafeMutablePointer<Slot>
    private var capacityLog2: Int
    private var generation: UInt32 = 1
    /// The entries, in index order.
    private(set) var values: UnsafeMutablePointer<V>
    private var valueCapacity: Int
    /// Number of entries.
    private(set) var count = 0
    private var lastKey: V.Bits?
    private var lastIndex: UInt32 = 0

    /// An empty dictionary.
    init() {
        capacityLog2 = 10
        slots = .allocate(capacity: 1 << capacityLog2)
        slots.initialize(repeating: Slot(key: 0, index: 0, generation: 0), count: 1 << capacityLog2)
        valueCapacity = 512
        values = .allocate(capacity: valueCapacity)
    }

    /// Forgets every entry, keeping the storage.
    mutating func removeAll() {
        count = 0
        lastKey = nil
        generation &+= 1
        if generation == 0 {
            // After 2^32 chunks, stale generations could match again: clear for real.
            slots.update(repeating: Slot(key: 0, index: 0, generation: 0), count: 1 << capacityLog2)
            generation = 1
        }
    }

    /// Frees the storage. The dictionary must not be used afterwards.
    func deallocate() {
        slots.deallocate()
        values.deallocate()
    }

    /// Bytes of the PLAIN dictionary page.
    var encodedSize: Int { count * MemoryLayout<V>.size }

    /// The index of `value`, inserting it if new.
    @inline(__always) mutating func index(of value: V) -> UInt32 {
        let key = value.bits
        // Consecutive repeats (timestamps within a second, sorted ids) skip the probe.
        if key == lastKey { return lastIndex }
        let mask = (1 << capacityLog2) - 1
        var i = Int(truncatingIfNeeded: (UInt64(key) &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - capacityLog2))
        while true {
            let slot = slots[i]
            if slot.generation != generation {
                let index = insert(value, key: key, at: i)
                lastKey = key
                lastIndex = index
                return index
            }
            if slot.key == key {
                lastKey = key
                lastIndex = slot.index
                return slot.index
            }
            i = (i &+ 1) & mask
        }
    }

    private mutating func insert(_ value: V, key: V.Bits, at slot: Int) -> UInt32 {
        if count == valueCapacity {
            let bigger = UnsafeMutablePointer<V>.allocate(capacity: valueCapacity * 2)
            bigger.moveInitialize(from: values, count: count)
            values.deallocate()
            values = bigger
            valueCapacity *= 2
        }
        let index = UInt32(truncatingIfNeeded: count)
        values[count] = value
        count += 1
        slots[slot] = Slot(key: key, index: index, generation: generation)
        if count * 4 > 3 << capacityLog2 { grow() }
        return index
    }

    private mutating func grow() {
        let old = slots
        let oldCapacity = 1 << capacityLog2
        capacityLog2 += 1
        let capacity = 1 << capacityLog2
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: Slot(key: 0, index: 0, generation: 0), count: capacity)
        let mask = capacity - 1
        for j in 0..<oldCapacity where old[j].generation == generation {
            var i = Int(truncatingIfNeeded: (UInt64(old[j].key) &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - capacityLog2))
            while slots[i].generation == generation { i = (i &+ 1) & mask }
            slots[i] = old[j]
        }
        old.deallocate()
    }
}
