import Catalog
import Foundation
import LoadGen
import MillraceTesting
import Testing

@Suite("Load generator")
struct LoadGeneratorTests {
    @Test("a seed reproduces a load byte for byte; another seed does not")
    func deterministic() throws {
        let first = try generate { $0.seed = 7 }.records
        let again = try generate { $0.seed = 7 }.records
        let other = try generate { $0.seed = 8 }.records
        #expect(first.count == 2_000)
        #expect(first.map(\.value) == again.map(\.value) && first.map(\.key) == again.map(\.key))
        #expect(first.map(\.value) != other.map(\.value))
    }

    @Test("traffic mixes the three topics, heartbeats, deletes with tombstones and duplicates")
    func mix() throws {
        let (records, summary) = try generate {
            $0.count = 20_000
            $0.deleteRate = 0.01
            $0.duplicateRate = 0.02
            $0.entities = 500
        }
        #expect(summary.records == 20_000)
        #expect(summary.changes + summary.tombstones + summary.duplicates + summary.heartbeats == 20_000)
        for topic in ["postgres.eav.entity_values_ts", "postgres.eav.entities", "postgres.eav.entity_jsonb", "__debezium-heartbeat.postgres.eav", "postgres.eav._heartbeat"] {
            #expect((summary.perTopic[topic] ?? 0) > 0, "\(topic)")
        }
        #expect(summary.tombstones > 0 && summary.duplicates > 0)
        // 20 000 records at 10 000/s cover 2 s of event time: one heartbeat pair at the start.
        #expect(summary.heartbeats == 2)
        // Every tombstone follows a delete of the same key on the same topic.
        for (index, record) in records.enumerated() where record.kind == .tombstone {
            let previous = records[index - 1]
            #expect(previous.topic == record.topic && previous.key == record.key && previous.value != nil)
            #expect(previous.value.map { String(decoding: $0, as: UTF8.self).contains("\"__op\":\"d\"") } == true)
        }
        // Duplicates repeat an earlier record exactly.
        let changes = Set(records.filter { $0.kind == .change }.compactMap { $0.value })
        #expect(records.filter { $0.kind == .duplicate }.allSatisfy { $0.value.map(changes.contains) == true })
        // Timestamps advance at the rate.
        #expect(records.last.map { $0.timestampMs - records[0].timestampMs } == 1_999)
    }

    @Test("values are ≈1.1 KB schema-enabled JsonConverter messages with the declared schema")
    func valueShape() async throws {
        let records = try generate { $0.topics = [.entityValues]; $0.duplicateRate = 0; $0.deleteRate = 0 }.records
        let sizes = records.map { $0.value?.count ?? 0 }
        let mean = sizes.reduce(0, +) / sizes.count
        #expect((1_050...1_250).contains(mean), "mean \(mean) bytes")
        let output = try await Subprocess.python(
            """
            import json, sys
            fields = None
            for line in sys.stdin:
                value = json.loads(line)
                names = [f["field"] for f in value["schema"]["fields"]]
                assert value["schema"]["name"] == "postgres.eav.entity_values_ts.Value"
                assert set(value["payload"]) == set(names), (names, list(value["payload"]))
                fields = names
            print(",".join(fields))
            """,
            input: Data(records.compactMap(\.value).map { $0 + [0x0A] }.joined())
        )
        #expect(output.trimmingCharacters(in: .whitespacesAndNewlines) == "tenant_id,entity_id,attribute_id,version,value,value_int,value_decimal,ingested_at,__deleted,__op,__ts_ms,__lsn")
    }

    @Test("a mid-stream column interleaves with the old schema during the rollout window, then stays")
    func addedColumn() throws {
        let (records, summary) = try generate {
            $0.topics = [.entityValues]
            $0.addColumnAt = 500
            $0.rolloutWindow = 500
            $0.duplicateRate = 0
        }
        #expect(summary.columnAddedAt == 500)
        let hasColumn = records.map { $0.value.map { String(decoding: $0, as: UTF8.self).contains("\"field\":\"confidence\"") } ?? false }
        #expect(!hasColumn[..<500].contains(true))
        let window = hasColumn[500..<1_000]
        #expect(window.contains(true) && window.contains(false), "old and new schemas interleave")
        #expect(!hasColumn[1_000...].contains(false))
    }

    /// The payloads of a load's delete events and, per topic and key, the previous change.
    private func deletes(_ records: [LoadRecord]) throws -> [(delete: [String: Any], previous: [String: Any]?, topic: String)] {
        var last: [String: [String: Any]] = [:]
        var found: [(delete: [String: Any], previous: [String: Any]?, topic: String)] = []
        for record in records where record.kind == .change {
            guard let value = record.value, let key = record.key else { continue }
            let object = try #require(try JSONSerialization.jsonObject(with: Data(value)) as? [String: Any])
            let payload = try #require(object["payload"] as? [String: Any])
            let slot = record.topic + String(decoding: key, as: UTF8.self)
            if payload["__op"] as? String == "d" {
                found.append((payload, last[slot], record.topic))
                last[slot] = nil
            } else {
                last[slot] = payload
            }
        }
        return found
    }

    @Test("under REPLICA IDENTITY DEFAULT a delete carries its key, nulls, and Debezium's zeros for NOT NULL fields; then a tombstone")
    func keyOnlyDeletes() throws {
        let (records, _) = try generate { $0.count = 20_000; $0.deleteRate = 0.02; $0.entities = 300; $0.duplicateRate = 0 }
        let found = try deletes(records)
        #expect(found.count > 20)
        for (payload, previous, topic) in found {
            // JdbcValueConverters.convertValue's fallbacks: 0, "", the epoch at UTC.
            #expect(payload["tenant_id"] as? Int == 0, "\(topic) \(payload)")
            #expect(payload["__deleted"] as? String == "true")
            switch topic {
            case "postgres.eav.entities":
                #expect(payload["version"] as? Int == 0 && payload["entity_type"] as? String == "" && payload["name"] is NSNull)
                #expect(payload["created_at"] as? String == "1970-01-01T00:00:00Z" && payload["updated_at"] as? String == "1970-01-01T00:00:00Z")
            case "postgres.eav.entity_jsonb":
                #expect(payload["version"] as? Int == 0 && payload["attributes"] is NSNull)
            default:
                // The key (entity_id, version) is the row's: its last version, never bumped.
                #expect(payload["version"] as? Int == previous?["version"] as? Int && payload["version"] as? Int != 0)
                #expect(payload["value"] is NSNull && payload["ingested_at"] as? String == "1970-01-01T00:00:00Z")
            }
            #expect(payload["entity_id"] as? Int == previous?["entity_id"] as? Int)
        }
        // Each delete is followed by its tombstone.
        for (index, record) in records.enumerated() where record.value.map({ String(decoding: $0, as: UTF8.self).contains("\"__op\":\"d\"") }) == true {
            #expect(records[index + 1].kind == .tombstone && records[index + 1].key == record.key && records[index + 1].value == nil)
        }
    }

    @Test("under REPLICA IDENTITY FULL a delete carries the row as last written, version included, then a tombstone")
    func fullRowDeletes() throws {
        let (records, _) = try generate {
            $0.count = 20_000; $0.deleteRate = 0.02; $0.entities = 300; $0.duplicateRate = 0; $0.replicaIdentity = .full
        }
        let found = try deletes(records)
        #expect(found.count > 20)
        for (payload, previous, topic) in found {
            let row = payload.filter { !$0.key.hasPrefix("__") }
            let before = try #require(previous, "\(topic): a delete of a row never written").filter { !$0.key.hasPrefix("__") }
            #expect(NSDictionary(dictionary: row).isEqual(to: before), "\(topic): \(row) vs \(before)")
        }
    }

    @Test("an unchanged TOAST rate sends Debezium's placeholder in entity_jsonb updates only, under REPLICA IDENTITY DEFAULT only")
    func unchangedToast() throws {
        let (records, summary) = try generate { $0.count = 5_000; $0.unchangedToastRate = 0.5; $0.duplicateRate = 0 }
        let placeholder = "\"attributes\":\"__debezium_unavailable_value\""
        let carrying = records.filter { $0.value.map { String(decoding: $0, as: UTF8.self).contains(placeholder) } == true }
        #expect(summary.unchangedToasts > 10 && carrying.count == summary.unchangedToasts)
        #expect(carrying.allSatisfy { $0.topic == "postgres.eav.entity_jsonb" })
        #expect(carrying.allSatisfy { String(decoding: $0.value ?? [], as: UTF8.self).contains("\"__op\":\"u\"") })
        let full = try generate { $0.count = 5_000; $0.unchangedToastRate = 0.5; $0.duplicateRate = 0; $0.replicaIdentity = .full }
        #expect(full.summary.unchangedToasts == 0)
        #expect(!full.records.contains { $0.value.map { String(decoding: $0, as: UTF8.self).contains(placeholder) } == true })
    }

    @Test("malformed records are counted by the reason they must get")
    func malformed() throws {
        let (records, summary) = try generate { $0.malformedRate = 0.2; $0.topics = [.entityValues] }
        let broken = records.filter { if case .malformed = $0.kind { true } else { false } }
        #expect(broken.count == summary.malformed.values.reduce(0, +))
        #expect(Set(summary.malformed.keys) == [
            "malformed_json", "invalid_utf8", "type_mismatch", "bad_base64", "decimal_overflow", "bad_timestamp", "missing_required_field",
            "schema_mismatch", "incompatible_schema",
        ])
    }

    @Test("out-of-range options are refused")
    func validation() throws {
        var configuration = LoadGenConfiguration()
        configuration.duplicateRate = 1.5
        #expect(throws: LoadGenError.self) { try configuration.validate() }
        configuration = LoadGenConfiguration()
        configuration.count = nil
        #expect(throws: LoadGenError.self) { try configuration.validate() }
        configuration = LoadGenConfiguration()
        configuration.topics = []
        #expect(throws: LoadGenError.self) { try configuration.validate() }
        configuration = LoadGenConfiguration()
        configuration.unchangedToastRate = -0.1
        #expect(throws: LoadGenError.self) { try configuration.validate() }
    }
}
