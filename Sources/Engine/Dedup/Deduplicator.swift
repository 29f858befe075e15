public import Parquet

/// The rows of a batch that survive deduplication.
public struct DedupResult: Sendable, Hashable {
    /// Surviving row positions, ascending (the batch's own order).
    public var selection: [Int32]
    /// Rows dropped because a higher-ranked row had the same key.
    public var duplicatesRemoved: Int
}

/// Keeps one row per dedup key within a batch: the newest change (see `DedupSpec` for the rank).
///
/// Deletes and tombstones are ordinary rows here: when a delete is the newest change of its key
/// it survives, so the loader can apply it. Runs in O(rows) with an open-addressing table of row
/// positions (16 bytes per row of scratch memory).
public enum Deduplicator {
    /// The surviving rows of `batch` under `spec`.
    public static func deduplicate(_ batch: ColumnBatch, spec: DedupSpec) throws(EngineError) -> DedupResult {
        let rows = batch.rowCount
        guard rows > 0 else { return DedupResult(selection: [], duplicatesRemoved: 0) }
        guard rows < Int(Int32.max) else {
            throw EngineError(.invalidBatch, "a batch of \(rows) rows is too large to deduplicate")
        }
        let keys = try KeyColumns(batch, positions: spec.keyColumns)
        let rank = try RowRank(batch, spec: spec)

        var capacity = 16
        while capacity < rows * 2 { capacity <<= 1 }
        let mask = capacity - 1
        var slots = [Int32](repeating: -1, count: capacity)
        var hashes = [UInt64](repeating: 0, count: rows)
        var duplicates = 0
        for row in 0..<rows {
            let hash = keys.hash(row)
            hashes[row] = hash
            var index = Int(truncatingIfNeeded: hash) & mask
            while true {
                let occupant = Int(slots[index])
                if occupant < 0 {
                    slots[index] = Int32(row)
                    break
                }
                if hashes[occupant] == hash && keys.equal(occupant, row) {
                    if rank.outranks(row, occupant) { slots[index] = Int32(row) }
                    duplicates += 1
                    break
                }
                index = (index + 1) & mask
            }
        }

        var survives = [Bool](repeating: false, count: rows)
        for slot in slots where slot >= 0 { survives[Int(slot)] = true }
        var selection: [Int32] = []
        selection.reserveCapacity(rows - duplicates)
        for row in 0..<rows where survives[row] { selection.append(Int32(row)) }
        return DedupResult(selection: selection, duplicatesRemoved: duplicates)
    }
}
