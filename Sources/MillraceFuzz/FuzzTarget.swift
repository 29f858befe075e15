import CDC
import Catalog

/// The decoder under fuzzing: the shipped registry plus the golden all-types table, built once.
///
/// Input layout (the seed corpus in `Tests/Fixtures/fuzz-corpus/` follows it):
///   byte 0, bits 0-2: the topic (see `topics`);
///   bit 3: a tombstone: the rest is the key and the value is null;
///   bit 4: byte 1 is a key length L: the next L bytes are the key, the rest the value;
///   bits 5 and 6 both set: take the table's batch afterwards and render its rows.
///   The rest: the value bytes.
enum FuzzTarget {
    static let topics = [
        "postgres.eav.entity_values_ts", "postgres.eav.entities", "postgres.eav.entity_jsonb", "test.golden",
        "__debezium-heartbeat.postgres.eav", "postgres.eav._heartbeat", "fuzz.unknown", "postgres.eav.entity_values_ts",
    ]

    /// Loads the catalogs relative to this file, so the target runs from any directory.
    static func makeDecoder() -> ChangeDecoder? {
        let root = String(#filePath.dropLast("Sources/MillraceFuzz/FuzzTarget.swift".count))
        guard let shipped = try? Catalog.load(directory: root + "Schemas"),
            let golden = try? Catalog.load(directory: root + "Tests/Fixtures/golden-catalog"),
            let catalog = try? Catalog(tables: shipped.tables + golden.tables, heartbeats: shipped.heartbeats)
        else { return nil }
        var configuration = DecoderConfiguration()
        configuration.initialRowCapacity = 64
        return try? ChangeDecoder(catalog: catalog, configuration: configuration)
    }

    /// What the inputs became, for the replay summary: every input with a selector byte is
    /// exactly one row, heartbeat or dead letter.
    struct Tally {
        var rows = 0
        var heartbeats = 0
        var deadLetters = 0
        /// Inputs without even the selector byte (not decoded).
        var empty = 0
    }

    /// Runs one input through the decoder (and the kcat envelope parser) and checks the rule
    /// that nothing is lost and nothing doubled: the record is exactly one outcome. A row grows
    /// its table's buffered rows by exactly one and no other table's (deletes and tombstones
    /// are rows too); a heartbeat or a dead letter grows none (a failing row is rolled back);
    /// a dead letter carries a reason, a message, its topic and coordinates, and the record's
    /// original key and value bytes. Never traps otherwise: that, and memory errors under
    /// AddressSanitizer, are what the fuzzer looks for.
    static func run(_ data: UnsafeRawBufferPointer, decoder: ChangeDecoder, tally: inout Tally) {
        _ = KcatEnvelope.parse(data)
        guard let selector = data.first else {
            tally.empty += 1
            return
        }
        let topic = topics[Int(selector & 7)]
        let route = decoder.route(forTopic: topic)
        var rest = UnsafeRawBufferPointer(rebasing: data[1...])
        var key: UnsafeRawBufferPointer?
        var value: UnsafeRawBufferPointer? = rest
        if selector & 8 != 0 {
            key = rest
            value = nil
        } else if selector & 16 != 0, let length = rest.first {
            rest = UnsafeRawBufferPointer(rebasing: rest[1...])
            let split = min(Int(length), rest.count)
            key = UnsafeRawBufferPointer(rebasing: rest[..<split])
            value = UnsafeRawBufferPointer(rebasing: rest[split...])
        }
        let before = decoder.tableIDs.map { decoder.bufferedRowCount($0) }
        let outcome = decoder.decode(route: route, partition: 3, offset: 42, timestampMs: 1_795_132_800_000, key: key, value: value)
        let after = decoder.tableIDs.map { decoder.bufferedRowCount($0) }
        let grown = zip(decoder.tableIDs, zip(before, after)).filter { $0.1.0 != $0.1.1 }
        switch outcome {
        case .row(let table, _):
            tally.rows += 1
            precondition(
                grown.count == 1 && grown[0].0 == table && grown[0].1.1 == grown[0].1.0 + 1,
                "a row appends exactly one row to its own table and nothing elsewhere"
            )
            if selector & 0x60 == 0x60 || decoder.bufferedRowCount(table) >= 1_024, let batch = try? decoder.takeBatch(table) {
                for row in 0..<batch.rowCount { _ = RowFormatter.json(batch, row: row) }
            }
        case .heartbeat:
            tally.heartbeats += 1
            precondition(grown.isEmpty, "a heartbeat appends no row")
        case .deadLetter(let letter):
            tally.deadLetters += 1
            precondition(grown.isEmpty, "a dead letter leaves no row behind")
            precondition(!letter.message.isEmpty && !letter.reason.description.isEmpty, "a dead letter always says why")
            precondition(letter.topic == topic && letter.partition == 3 && letter.offset == 42, "a dead letter names its record")
            precondition(letter.key == key.map { Array($0) } && letter.value == value.map { Array($0) }, "a dead letter keeps the original bytes")
        }
        _ = decoder.takeSchemaChanges()
    }
}
