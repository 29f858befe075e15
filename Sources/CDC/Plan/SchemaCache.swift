/// What one distinct Connect schema decodes to.
enum SchemaVerdict {
    /// The records decode with this plan (valid at every later table version too: evolution
    /// only appends columns, so the plan's column indices stay right).
    case plan(RowPlan)
    /// The evolution policy refused the schema against table version `tableVersion`; the
    /// verdict is reconsidered once the table has moved on. `message` is the dead letter's.
    case incompatible(message: String, tableVersion: Int)
    /// The schema itself is broken (not a Connect schema, nesting too deep): every record
    /// carrying these bytes is this dead letter, whatever the table's version.
    case invalid(DecodeFailure)
}

/// One distinct Connect schema seen on a table's topic: its exact bytes and their verdict.
final class CachedSchema {
    let bytes: UnsafeMutablePointer<UInt8>
    let length: Int
    let hash: UInt64
    let verdict: SchemaVerdict

    init(bytes source: UnsafePointer<UInt8>, length: Int, hash: UInt64, verdict: SchemaVerdict) {
        bytes = UnsafeMutablePointer<UInt8>.allocate(capacity: max(length, 1))
        bytes.initialize(from: source, count: length)
        self.length = length
        self.hash = hash
        self.verdict = verdict
    }

    deinit { bytes.deallocate() }
}

/// Decoded schemas keyed by their exact bytes: a hash finds candidates, a memory compare
/// confirms, so an identical schema is never parsed twice, whether it gave a plan, an
/// incompatible verdict or was broken (a stream repeating one broken schema costs one parse).
/// The schema of the previous record is tried first with a single compare at the cursor,
/// which is the common case (Debezium repeats one schema until a DDL change). Bounded: past
/// `limit` entries (of every verdict) the cache starts over.
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
