/// The simulated OLTP database behind the load: entities with their write counters, and the
/// recent time-series rows that a delete may target.
struct WorldState {
    struct Entity {
        var exists = false
        var tenant: Int64 = 0
        var type = ""
        var status = 0
        var name = ""
        /// The write counter: every write to the entity or its values increments it.
        var version: Int64 = 0
        var createdMicros: Int64 = 0
        /// The `entities` and `entity_jsonb` rows as last written: what a delete under
        /// REPLICA IDENTITY FULL carries, and the jsonb document an unchanged TOAST keeps.
        var entityRow: [FieldValue]?
        var jsonbRow: [FieldValue]?
    }

    /// A time-series row written earlier (the key of `entity_values_ts`) and its fields.
    struct ValueRow {
        var entityID: Int64
        var version: Int64
        var fields: [FieldValue] = []
    }

    static let entityTypes = ["device", "asset", "site", "sensor", "gateway", "meter"]
    static let statuses = ["active", "inactive", "archived"]

    var entities: [Entity]
    var recentValues: [ValueRow] = []
    var lsn: Int64 = 0x0000_0001_6B3F_0000

    init(entityCount: Int) {
        entities = Array(repeating: Entity(), count: entityCount)
    }

    /// Advances the log sequence number as PostgreSQL's WAL grows.
    mutating func nextLSN(_ random: inout SplitMix64) -> Int64 {
        lsn += random.int(80...800)
        return lsn
    }

    /// Remembers a written row (the last 1 024) as a delete target.
    mutating func remember(_ row: ValueRow) {
        if recentValues.count < 1_024 {
            recentValues.append(row)
        } else {
            recentValues[Int(row.version % 1_024)] = row
        }
    }

    /// Takes a remembered row out to delete it (a row is deleted once), or nil when none is left.
    mutating func takeRecentValue(_ random: inout SplitMix64) -> ValueRow? {
        guard !recentValues.isEmpty else { return nil }
        recentValues.swapAt(Int(random.int(0...Int64(recentValues.count - 1))), recentValues.count - 1)
        return recentValues.removeLast()
    }
}
