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

    /// What the inputs became, for the replay summary.
    struct Tally {
        var rows = 0
        var heartbeats = 0
        var deadLetters = 0
    }

    /// Runs one input through the decoder (and the kcat envelope parser). Never traps on any
    /// input: that is what the fuzzer checks, with AddressSanitizer watching memory.
    static func run(_ data: UnsafeRawBufferPointer, decoder: ChangeDecoder, tally: inout Tally) {
        _ = KcatEnvelope.parse(data)
        guard let selector = data.first else { return }
        let route = decoder.route(forTopic: topics[Int(selector & 7)])
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
        switch decoder.decode(route: route, partition: 0, offset: 0, timestampMs: 1_795_132_800_000, key: key, value: value) {
        case .row(let table, _):
            tally.rows += 1
            if selector & 0x60 == 0x60 || decoder.bufferedRowCount(table) >= 1_024, let batch = try? decoder.takeBatch(table) {
                for row in 0..<batch.rowCount { _ = RowFormatter.json(batch, row: row) }
            }
        case .heartbeat:
            tally.heartbeats += 1
        case .deadLetter(let letter):
            tally.deadLetters += 1
            precondition(!letter.message.isEmpty, "a dead letter always says why")
        }
        _ = decoder.takeSchemaChanges()
    }
}
