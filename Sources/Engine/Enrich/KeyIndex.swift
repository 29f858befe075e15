/// Key → slot lookup for one join: a direct array when the keys are compact integers (ids
/// `1…n` are the common case), the dictionary otherwise. Built once per lookup of a batch.
struct KeyIndex {
    private let dense: [Int32]
    private let base: Int64
    private let sparse: [Int64: Int32]

    /// An index over `slotOfKey`; dense when the key range is at most 4× the key count.
    init(_ slotOfKey: [Int64: Int32]) {
        if let low = slotOfKey.keys.min(), let high = slotOfKey.keys.max(),
            case let (span, overflow) = high.subtractingReportingOverflow(low), !overflow,
            span < Int64(max(1_024, slotOfKey.count * 4))
        {
            var dense = [Int32](repeating: -1, count: Int(high - low) + 1)
            for (key, slot) in slotOfKey { dense[Int(key - low)] = slot }
            self.dense = dense
            base = low
            sparse = [:]
        } else {
            dense = []
            base = 0
            sparse = slotOfKey
        }
    }

    /// The slot of `key`, or -1.
    @inline(__always) func slot(_ key: Int64) -> Int32 {
        if dense.isEmpty { return sparse[key] ?? -1 }
        let offset = key &- base
        return offset >= 0 && offset < Int64(dense.count) ? dense[Int(offset)] : -1
    }
}
