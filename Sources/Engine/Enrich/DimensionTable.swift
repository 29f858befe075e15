public import Parquet

/// Keyed state of one dimension (for example `dim_entities` by `entity_id`), joined to facts.
///
/// A changelog dimension is kept from its CDC topic: `upsert` keeps the newest change per key by
/// rank (LSN, then version) and `delete` removes the key, remembering the delete's rank so that
/// an older change redelivered afterwards cannot bring the key back (for the most recent
/// `rememberedDeletes` deletes, and not across a restart from a checkpoint, which holds live keys
/// only: redeliveries come with connector restarts, soon after the delete). A snapshot dimension is rebuilt from a
/// file with `upsert` for every row. Keys are INT64. Memory is one slot per live key (and at
/// most `2 * rememberedDeletes` delete ranks) plus the
/// typed columns; freed slots are reused.
public struct DimensionTable: Sendable {
    /// The dimension's name (for metrics and errors).
    public let name: String
    /// The value columns, in order.
    public let fields: [Field]
    private var columns: [DimensionColumn]
    private var slotOfKey: [Int64: Int32] = [:]
    private var rankOfSlot: [Int64] = []
    private var freeSlots: [Int32] = []
    /// The rank of the delete of recently deleted keys (until the key comes back), bounded.
    private var deletedRank: [Int64: Int64] = [:]
    /// How many deletes' ranks are kept at least; past twice as many the older half is dropped.
    public static let rememberedDeletes = 100_000

    /// An empty dimension with the given value columns.
    public init(name: String, fields: [Field]) {
        self.name = name
        self.fields = fields
        columns = fields.map { DimensionColumn(physicalType: $0.physicalType, typeLength: $0.typeLength) }
    }

    /// Number of live keys.
    public var count: Int { slotOfKey.count }

    /// Stores row `row` of `batch` as the value of `key` unless a higher-ranked change of the key
    /// is already stored. `columnPositions[i]` is where field `i` sits in `batch`. Returns false
    /// when a column's type does not match its field (that value is stored as null).
    @discardableResult
    public mutating func upsert(key: Int64, rank: Int64, row: Int, of batch: ColumnBatch, columnPositions: [Int]) -> Bool {
        if !deletedRank.isEmpty, let deleted = deletedRank[key] {  // snapshots never delete: no lookup
            guard rank > deleted else { return true }
            deletedRank[key] = nil
        }
        let slot: Int
        if let existing = slotOfKey[key] {
            slot = Int(existing)
            guard rank >= rankOfSlot[slot] else { return true }
        } else if let reused = freeSlots.popLast() {
            slot = Int(reused)
            slotOfKey[key] = reused
        } else {
            slot = rankOfSlot.count
            rankOfSlot.append(0)
            for index in columns.indices { columns[index].appendSlot() }
            slotOfKey[key] = Int32(slot)
        }
        rankOfSlot[slot] = rank
        var typesMatch = true
        for (index, position) in columnPositions.enumerated() {
            typesMatch = columns[index].set(slot, from: batch.columns[position], row: row) && typesMatch
        }
        return typesMatch
    }

    /// Removes `key` (a delete or tombstone of the dimension row) unless a newer change of it is
    /// stored. `rank` is the delete's (nil for a tombstone, which carries none: it removes the key
    /// whatever its rank and keeps the rank of the delete before it).
    public mutating func delete(key: Int64, rank: Int64? = nil) {
        if let rank {
            if let slot = slotOfKey[key], rankOfSlot[Int(slot)] > rank { return }
            deletedRank[key] = max(rank, deletedRank[key] ?? .min)
            if deletedRank.count > 2 * Self.rememberedDeletes {
                let newest = deletedRank.sorted { $0.value > $1.value }.prefix(Self.rememberedDeletes)
                deletedRank = Dictionary(uniqueKeysWithValues: newest.map { ($0.key, $0.value) })
            }
        }
        guard let slot = slotOfKey.removeValue(forKey: key) else { return }
        for index in columns.indices {
            columns[index].clear(Int(slot))
            columns[index].compactIfWasteful()
        }
        freeSlots.append(slot)
    }

    /// Left-joins `keys` (one per fact row, INT64 or INT32, null for no key) to the dimension:
    /// one column per field, each with `keys.count` rows, null where the key has no match.
    /// `missedRows` lists, in order, the rows whose key found no row; a null key (a delete
    /// carrying only its primary key) is not a lookup and not a miss.
    public func lookup(_ keys: ColumnData) -> (columns: [ColumnData], missedRows: [Int32]) {
        let rows = keys.values.count
        var slots = [Int32](repeating: -1, count: rows)
        var missed: [Int32] = []
        let index = KeyIndex(slotOfKey)
        func resolve<T: BinaryInteger>(_ values: [T]) {
            let valid = keys.validity
            values.withUnsafeBufferPointer { values in
                for row in 0..<rows where valid?[row] ?? true {
                    let slot = index.slot(Int64(values[row]))
                    slots[row] = slot
                    if slot < 0 { missed.append(Int32(row)) }
                }
            }
        }
        switch keys.values {
        case .int64(let values): resolve(values)
        case .int32(let values): resolve(values)
        default: missed = (0..<rows).map { Int32($0) }
        }
        return (columns.map { $0.gather(slots) }, missed)
    }

    /// Every live key and its row, for checkpoints: the keys column, the rank column and one
    /// column per field, in slot order.
    public func snapshot() -> (keys: [Int64], ranks: [Int64], columns: [ColumnData]) {
        let live = slotOfKey.sorted { $0.value < $1.value }
        let slots = live.map(\.value)
        return (live.map(\.key), live.map { rankOfSlot[Int($0.value)] }, columns.map { $0.gather(slots) })
    }
}
