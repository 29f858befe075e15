import Foundation
import Loader
import MillraceTesting
import Runtime
import Testing

/// How the load orders changes of one key, on a real PostgreSQL server, with changes shaped as
/// the PostgreSQL connector writes them after `ExtractNewRecordState` (`add.fields=op,lsn,
/// source.ts_ms`, `delete.handling.mode=rewrite`): under REPLICA IDENTITY DEFAULT a delete's
/// image holds only the key (its version is null); a delete is followed by a tombstone; under
/// `delete.handling.mode=drop` the tombstone is the only sign of a delete. Each step below is
/// staged and loaded on its own, so the rules hold across loads as well as within one.
@Suite("Load ordering on PostgreSQL", .serialized)
struct LoadOrderingTests {
    private let topic = "postgres.eav.entities"

    /// A dim_entities change (schemaless value, the flattened row plus Debezium's added fields).
    private func change(_ id: Int, version: Int?, lsn: Int64?, op: String, name: String? = nil) -> [String: Any] {
        var row: [String: Any] = ["entity_id": id, "__op": op, "__deleted": op == "d" ? "true" : "false", "__source_ts_ms": 1_796_000_000_000]
        if let lsn { row["__lsn"] = lsn }
        if op != "d" || version != nil {
            row["tenant_id"] = 1
            row["entity_type"] = "device"
            row["status"] = "active"
            row["name"] = name ?? "e\(id)-v\(version ?? 0)"
            row["created_at"] = "2026-11-01T00:00:00Z"
            row["updated_at"] = "2026-11-01T00:00:00Z"
            row["version"] = version as Any
        }
        return row
    }

    /// kcat -J lines: `records` (nil value: a tombstone) at consecutive offsets of partition 0.
    private func write(_ records: [(id: Int, value: [String: Any]?)], from offset: Int, to path: URL, topic: String? = nil) throws {
        var lines: [String] = []
        for (index, record) in records.enumerated() {
            var envelope: [String: Any] = [
                "topic": topic ?? self.topic, "partition": 0, "offset": offset + index, "tstype": "create", "ts": 1_796_000_000_000 + index,
                "key": "{\"entity_id\":\(record.id)}",
            ]
            envelope["payload"] = try record.value.map { String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self) } ?? NSNull()
            lines.append(String(decoding: try JSONSerialization.data(withJSONObject: envelope), as: UTF8.self))
        }
        try (lines.joined(separator: "\n") + "\n").write(to: path, atomically: true, encoding: .utf8)
    }

    @Test("LSN first: key-only deletes win, a re-insert with its version restarted comes back, a lone tombstone keeps the delete's order, drop mode's tombstone deletes")
    func ordering() async throws {
        let servers = try TestServers.require()
        let folder = try TemporaryDirectory(prefix: "millrace-load-order")
        defer { folder.remove() }
        let schema = PostgresProbe.uniqueSchema("order")
        let configuration = PostgresLoadTests.loaderConfiguration(servers, folder: folder, schema: schema)
        var replay = WorkerConfiguration()
        replay.schemas.dir = PackagePaths.schemas.path
        var staging = WorkerOptions()
        staging.outputDirectory = folder.path("staging").path
        var once = Loading.Options()
        once.once = true
        let steps: [[(id: Int, value: [String: Any]?)]] = [
            [
                // 1: an insert, then a key-only delete (REPLICA IDENTITY DEFAULT: no version).
                (1, change(1, version: 1, lsn: 100, op: "c")), (1, change(1, version: nil, lsn: 200, op: "d")), (1, nil),
                // 2: deleted, then inserted again with its version restarted at 1.
                (2, change(2, version: 5, lsn: 100, op: "c")), (2, change(2, version: nil, lsn: 200, op: "d")), (2, nil),
                (2, change(2, version: 1, lsn: 300, op: "c", name: "born again")),
                // 3: an update, then a key-only delete; its tombstone and an old insert come later.
                (3, change(3, version: 3, lsn: 100, op: "u")), (3, change(3, version: nil, lsn: 200, op: "d")),
                // 4: delete.handling.mode=drop: the insert, then only the tombstone.
                (4, change(4, version: 2, lsn: 100, op: "c")), (4, nil),
                // 5: a plain row, redelivered in later loads.
                (5, change(5, version: 7, lsn: 150, op: "u", name: "five")),
            ],
            // A later load: 3's tombstone alone, and 5's redelivery.
            [(3, nil), (5, change(5, version: 7, lsn: 150, op: "u", name: "five"))],
            // Later still: a replay of 3's old update (a backfill, a connector rewind) and of 2's first insert.
            [(3, change(3, version: 3, lsn: 100, op: "u")), (2, change(2, version: 5, lsn: 100, op: "c"))],
        ]
        var offset = 0
        for (index, step) in steps.enumerated() {
            let path = folder.path("step\(index).kcat.json")
            try write(step, from: offset, to: path)
            offset += step.count
            _ = try FileReplay.run(replay, inputs: [FileReplay.Input(path: path.path, topic: nil)], options: staging, logger: PostgresLoadTests.quiet)
            _ = try await Loading.run(configuration, options: once, logger: PostgresLoadTests.quiet)
        }
        let probe = PostgresProbe(url: servers.postgresURL, schema: schema)
        let rows = try await probe.rows("SELECT entity_id, version, name FROM dim_entities ORDER BY entity_id")
        #expect(rows == [["2", "1", "born again"], ["5", "7", "five"]])
        // The delete of 3 is remembered with its LSN (the tombstone did not erase it), so the
        // replayed update of LSN 100 stayed out.
        #expect(try await probe.rows("SELECT entity_id, _lsn FROM millrace_deleted_dim_entities ORDER BY 1") == [["1", "200"], ["3", "200"], ["4", "100"]])
    }

    /// An entity_attributes_hot change; `attributes` nil: Debezium's placeholder for an unchanged
    /// TOASTed value (`unavailable.value.placeholder`, default `__debezium_unavailable_value`).
    private func document(_ id: Int, version: Int?, lsn: Int64, op: String, attributes: String?) -> [String: Any] {
        var row: [String: Any] = ["entity_id": id, "__op": op, "__deleted": op == "d" ? "true" : "false", "__source_ts_ms": 1_796_000_000_000,
            "__lsn": lsn]
        if op != "d" {
            row["tenant_id"] = 1
            row["attributes"] = attributes ?? "__debezium_unavailable_value"
            row["updated_at"] = "2026-11-01T00:00:00Z"
            row["version"] = version as Any
        }
        return row
    }

    @Test("an unchanged TOASTed document takes the newest change before it that carried one, whatever order the loads bring them in")
    func unchangedDocumentsOutOfOrder() async throws {
        let servers = try TestServers.require()
        let folder = try TemporaryDirectory(prefix: "millrace-load-toast")
        defer { folder.remove() }
        let schema = PostgresProbe.uniqueSchema("toast")
        let configuration = PostgresLoadTests.loaderConfiguration(servers, folder: folder, schema: schema)
        var replay = WorkerConfiguration()
        replay.schemas.dir = PackagePaths.schemas.path
        var staging = WorkerOptions()
        staging.outputDirectory = folder.path("staging").path
        var once = Loading.Options()
        once.once = true
        let probe = PostgresProbe(url: servers.postgresURL, schema: schema)
        let a = #"{"colour":"amber"}"#, b = #"{"colour":"blue"}"#, c = #"{"colour":"cyan"}"#, d = #"{"colour":"dun"}"#
        // Each step is staged and loaded on its own, in this order; the source's order is by LSN.
        let steps: [(records: [(id: Int, value: [String: Any]?)], expected: [[String]])] = [
            // 10: the newest change leaves the document unchanged and arrives first: unknown yet.
            // 12: a carrier and an update in one load: the carrier's document.
            ([(10, document(10, version: 4, lsn: 400, op: "u", attributes: nil)),
              (12, document(12, version: 1, lsn: 100, op: "c", attributes: d)), (12, document(12, version: 2, lsn: 200, op: "u", attributes: nil)),
              // 11: inserted, deleted, inserted again, updated; the update arrives first.
              (11, document(11, version: 2, lsn: 400, op: "u", attributes: nil))],
             [["10", "4", "", "f"], ["11", "2", "", "f"], ["12", "2", d, "t"]]),
            // The oldest carriers arrive late: they fill what nothing newer carried.
            ([(10, document(10, version: 1, lsn: 100, op: "c", attributes: a)), (11, document(11, version: 1, lsn: 100, op: "c", attributes: a))],
             [["10", "4", a, "t"], ["11", "2", a, "t"], ["12", "2", d, "t"]]),
            // Newer carriers, still older than the rows: they replace the older carriers' values;
            // 11's delete in between is older than its row and changes nothing.
            ([(10, document(10, version: 2, lsn: 200, op: "u", attributes: b)), (11, document(11, version: nil, lsn: 200, op: "d", attributes: nil)), (11, nil),
              (11, document(11, version: 1, lsn: 300, op: "c", attributes: c))],
             [["10", "4", b, "t"], ["11", "2", c, "t"], ["12", "2", d, "t"]]),
            // An older carrier redelivered: the newer one stays. An unchanged update redelivered: nothing moves.
            ([(10, document(10, version: 1, lsn: 100, op: "c", attributes: a)), (12, document(12, version: 2, lsn: 200, op: "u", attributes: nil))],
             [["10", "4", b, "t"], ["11", "2", c, "t"], ["12", "2", d, "t"]]),
            // A newer update that carries its document ends the key's entry.
            ([(12, document(12, version: 3, lsn: 300, op: "u", attributes: a))],
             [["10", "4", b, "t"], ["11", "2", c, "t"], ["12", "3", a, "-"]]),
        ]
        var offset = 0
        for (index, step) in steps.enumerated() {
            let path = folder.path("toast\(index).kcat.json")
            try write(step.records, from: offset, to: path, topic: "postgres.eav.entity_jsonb")
            offset += step.records.count
            _ = try FileReplay.run(replay, inputs: [FileReplay.Input(path: path.path, topic: nil)], options: staging, logger: PostgresLoadTests.quiet)
            _ = try await Loading.run(configuration, options: once, logger: PostgresLoadTests.quiet)
            let rows = try await probe.rows(
                "SELECT h.entity_id, h.version, coalesce(h.attributes::text, ''), CASE WHEN u.entity_id IS NULL THEN '-' WHEN u.resolved THEN 't' ELSE 'f' END "
                    + "FROM entity_attributes_hot h LEFT JOIN millrace_unchanged_entity_attributes_hot u ON u.entity_id = h.entity_id "
                    + "AND u.column_name = 'attributes' ORDER BY 1")
            let entries = try await probe.rows("SELECT * FROM millrace_unchanged_entity_attributes_hot ORDER BY 1")
            #expect(rows == step.expected.map { [$0[0], $0[1], $0[2].isEmpty ? "" : Self.normalized($0[2]), $0[3]] }, "after step \(index): \(entries)")
        }
    }

    /// A JSON document as PostgreSQL prints a `jsonb` (or `json`) value's text.
    private static func normalized(_ json: String) -> String {
        json.replacingOccurrences(of: "\":\"", with: "\": \"")
    }
}
