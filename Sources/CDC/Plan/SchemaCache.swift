/// One distinct Connect schema seen on a table's topic: its exact bytes and what they decode to.
final class CachedSchema {
    let bytes: UnsafeMutablePointer<UInt8>
    let length: Int
    let hash: UInt64
    /// The plan, or nil when the schema is incompatible.
    let plan: RowPlan?
    /// Why the schema is incompatible (the dead letter's message), or nil.
    let incompatibility: String?
    /// The table version the verdict was reached against.
    let tableVersion: Int

    init(bytes source: UnsafePointer<UInt8>, length: Int, hash: UInt64, plan: RowPlan?, incompatibility: String?, tableVersion: Int) {
        bytes = UnsafeMutablePointer<UInt8>.allocate(capacity: max(length, 1))
        bytes.initialize(from: source, count: length)
        self.length = length
        self.hash = hash
        self.plan = plan
        self.incompatibility = incompatibility
        self.tableVersion = tableVersion
    }

    deinit { bytes.deallocate() }
}

/// Decoded schemas keyed by their exact bytes: a hash finds candidates, a memory compare
/// confirms, so an identical schema is never parsed twice. The schema of the previous record is
/// tried first with a single compare at the cursor, which is the common case (Debezium repeats
/// one schema until a DDL change). Bounded: past `limit` entries the cache starts over.
final class SchemaCache {
    private(set) var last: CachedSchema?
    private var entries: [UInt64: [CachedSchema]] = [:]
    private var count = 0
    private let limit: Int

    init(limit: Int) {
        self.limit = max(limit, 1)
    }

    /// The entry for `length` bytes at `bytes` with hash `hash`, or nil.
    func lookup(_ bytes: UnsafePointer<UInt8>, length: Int, hash: UInt64) -> CachedSchema? {
        guard let candidates = entries[hash] else { return nil }
        for candidate in candidates where candidate.length == length && memoryEqual(candidate.bytes, bytes, length) {
            last = candidate
            return candidate
        }
        return nil
    }

    /// Remembers `entry` (replacing an older verdict for the same bytes) and makes it `last`.
    func insert(_ entry: CachedSchema) {
        if count >= limit {
            entries = [:]
            count = 0
        }
        var candidates = entries[entry.hash] ?? []
        let before = candidates.count
        candidates.removeAll { $0.length == entry.length && memoryEqual($0.bytes, entry.bytes, entry.length) }
        count += 1 - (before - candidates.count)
        candidates.append(entry)
        entries[entry.hash] = candidates
        last = entry
    }

    /// FNV-1a, 64-bit, over `length` bytes.
    static func hash(_ bytes: UnsafePointer<UInt8>, length: Int) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for index in 0..<length {
            hash = (hash ^ UInt64(bytes[index])) &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}
