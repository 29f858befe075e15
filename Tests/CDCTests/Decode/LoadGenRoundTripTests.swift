import CDC
import Catalog
import Foundation
import LoadGen
import MillraceTesting
import Testing

@Suite("Load generator output through the decoder")
struct LoadGenRoundTripTests {
    @Test(
        "every record decodes or is dead-lettered with exactly the reason it was made for; rows match a Python oracle",
        arguments: ["default", "full"])
    func roundTrip(identity: String) async throws {
        let replicaIdentity = try #require(ReplicaIdentity(named: identity))
        // The registry declares what the source's deletes carry; the load generator emits it.
        let shipped = try Catalog.load(directory: PackagePaths.schemas.path)
        let catalog = try Catalog(
            tables: shipped.tables.map { history in
                var definition = history.current
                if definition.source.topic != nil { definition.replicaIdentity = replicaIdentity }
                return TableHistory(definition)
            },
            heartbeats: shipped.heartbeats)
        var configuration = LoadGenConfiguration()
        configuration.replicaIdentity = replicaIdentity
        configuration.unchangedToastRate = 0.3
        configuration.count = 6_000
        configuration.entities = 400
        configuration.malformedRate = 0.03
        configuration.duplicateRate = 0.02
        configuration.deleteRate = 0.01
        configuration.addColumnAt = 3_000
        configuration.durationSeconds = nil
        let generator = try LoadGenerator(catalog: catalog, configuration: configuration)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let kcatPath = directory.path("load.kcat")
        let summary = try await LoadRunner.run(generator, into: try FileRecordSink(path: kcatPath.path, format: .kcat))

        // Read the kcat file back, as `millrace decode` does, and decode every line.
        let harness = try Harness(catalog: catalog)
        var routes: [String: TopicRoute] = [:]
        var deadLetters: [String: Int] = [:]
        var rowLines: [String] = []
        var heartbeats = 0
        let lines = try Data(contentsOf: kcatPath).split(separator: 0x0A)
        for (index, line) in lines.enumerated() {
            let envelope = try #require(Array(line).withUnsafeBytes(KcatEnvelope.parse))
            let route = routes[envelope.topic] ?? harness.decoder.route(forTopic: envelope.topic)
            routes[envelope.topic] = route
            let outcome = decode(harness.decoder, route, envelope)
            switch outcome {
            case .row(let table, _):
                let batch = try harness.decoder.takeBatch(table)
                rowLines.append("{\"index\":\(index),\"table\":\"\(batch.definition.name)\",\"row\":\(RowFormatter.json(batch, row: 0))}")
            case .heartbeat(let micros):
                heartbeats += 1
                #expect(micros != nil)
            case .deadLetter(let letter):
                deadLetters[letter.reason.description, default: 0] += 1
            }
        }
        #expect(lines.count == summary.records)
        #expect(deadLetters == summary.malformed, "dead letters must be exactly the malformed share")
        #expect(heartbeats == summary.heartbeats)
        #expect(rowLines.count == summary.changes + summary.tombstones + summary.duplicates)
        let changes = harness.decoder.takeSchemaChanges()
        #expect(changes.map(\.table) == ["fact_entity_values"])
        #expect(changes.first?.addedColumns.map(\.name) == ["confidence"])

        let rowsPath = directory.path("rows.ndjson")
        try Data(rowLines.joined(separator: "\n").utf8).write(to: rowsPath)
        if replicaIdentity == .default { #expect(summary.unchangedToasts > 0) }
        let output = try await Subprocess.python(Self.oracle, arguments: [kcatPath.path, rowsPath.path, identity])
        #expect(output.trimmingCharacters(in: .whitespacesAndNewlines) == "checked \(rowLines.count) rows, 0 mismatches")
    }

    private func decode(_ decoder: ChangeDecoder, _ route: TopicRoute, _ record: KcatEnvelope) -> DecodeOutcome {
        let key = record.key ?? []
        return key.withUnsafeBytes { keyBytes in
            guard let payload = record.payload else {
                return decoder.decode(
                    route: route, partition: record.partition, offset: record.offset, timestampMs: record.timestampMs,
                    key: record.key == nil ? nil : keyBytes, value: nil
                )
            }
            return payload.withUnsafeBytes { valueBytes in
                decoder.decode(
                    route: route, partition: record.partition, offset: record.offset, timestampMs: record.timestampMs,
                    key: record.key == nil ? nil : keyBytes, value: valueBytes
                )
            }
        }
    }

    /// Recomputes every decoded row from the raw Kafka record with Python's json, base64,
    /// decimal and datetime, and compares column by column. A delete under REPLICA IDENTITY
    /// DEFAULT (argv[3]) keeps only its key columns (the record key's fields); a column carrying
    /// Debezium's unavailable-value placeholder is null and named in `_unchanged`.
    static let oracle = """
        import base64, datetime, decimal, json, sys
        decimal.getcontext().prec = 60
        UTC = datetime.timezone.utc
        PLACEHOLDER = '__debezium_unavailable_value'
        records = [json.loads(line) for line in open(sys.argv[1], encoding='utf-8', errors='surrogateescape')]
        key_only_deletes = sys.argv[3] == 'default'
        def iso(ts):
            return ts.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%S.%fZ')
        def millis(ms):
            return iso(datetime.datetime.fromtimestamp(0, UTC) + datetime.timedelta(milliseconds=ms))
        def zoned(text):
            return iso(datetime.datetime.fromisoformat(text.replace('Z', '+00:00')))
        def dec(text, scale):
            raw = base64.b64decode(text)
            unscaled = int.from_bytes(raw, 'big', signed=True)
            return format(decimal.Decimal(unscaled).scaleb(-scale), 'f')
        converters = {
            'value_decimal': lambda v: dec(v, 5),
            'ingested_at': zoned, 'created_at': zoned, 'updated_at': zoned,
            'attributes': json.loads,
        }
        checked = mismatches = 0
        for line in open(sys.argv[2]):
            decoded = json.loads(line)
            record = records[decoded['index']]
            row = decoded['row']
            key = json.loads(record['key'])
            expected = {'_kafka_partition': record['partition'], '_kafka_offset': record['offset']}
            if record['payload'] is None:
                expected.update(key)
                expected.update({'_op': 'd', '_deleted': True, '_lsn': None, '_source_ts': millis(record['ts']), '_unchanged': None})
            else:
                payload = json.loads(record['payload'])['payload']
                deleted = payload['__deleted'] == 'true'
                unchanged = []
                for name, value in payload.items():
                    if name.startswith('__'):
                        continue
                    if deleted and key_only_deletes and name not in key:
                        value = None
                    elif value == PLACEHOLDER and not deleted:
                        unchanged.append(name)
                        value = None
                    expected[name] = None if value is None else converters.get(name, lambda v: v)(value)
                expected.update({'_op': payload['__op'], '_deleted': deleted, '_lsn': payload['__lsn'],
                                 '_source_ts': millis(payload['__ts_ms']), '_unchanged': ','.join(unchanged) or None})
                for name in row:
                    if name not in expected and not name.startswith('_'):
                        expected[name] = None
            for name, value in expected.items():
                got = row.get(name, '<absent>')
                if isinstance(value, float) or isinstance(got, float):
                    same = got is not None and value is not None and abs(got - value) <= 1e-12 * max(1, abs(value))
                else:
                    same = got == value
                if not same:
                    mismatches += 1
                    if mismatches <= 5:
                        print('mismatch', decoded['index'], decoded['table'], name, repr(value), repr(got), file=sys.stderr)
            checked += 1
        print(f'checked {checked} rows, {mismatches} mismatches')
        """
}
