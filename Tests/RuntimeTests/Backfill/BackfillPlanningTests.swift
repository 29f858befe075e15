import Catalog
import Foundation
import MillraceTesting
import Staging
import Testing

@testable import Runtime

/// The pure parts of a backfill: the range, its consumer group, the slices and the source query.
@Suite("Backfill planning")
struct BackfillPlanningTests {
    @Test("bounds are ISO-8601 instants with an offset, or dates meaning midnight UTC; the range is half-open")
    func range() throws {
        let range = try BackfillRange(from: "2026-12-01", to: "2026-12-01T08:00:00+02:00")
        #expect(range.fromMillis == 1_796_083_200_000)
        #expect(range.toMillis == 1_796_083_200_000 + 6 * 3_600_000)
        #expect(range.contains(range.fromMillis) && !range.contains(range.fromMillis - 1))
        #expect(range.contains(range.toMillis - 1) && !range.contains(range.toMillis))
        #expect(BackfillRange.parse("2026-12-01T00:00:00.250Z") == 1_796_083_200_250)
        #expect(BackfillRange.parse("2026-12-01T00:00:00") == nil, "an instant needs its offset")
        #expect(BackfillRange.parse("yesterday") == nil)
        #expect(throws: RuntimeError.self) { try BackfillRange(from: "2026-12-02", to: "2026-12-01") }
        #expect(throws: RuntimeError.self) { try BackfillRange(from: "2026-12-01", to: "2026-12-01") }
        #expect(range.description == "[2026-12-01T00:00:00Z, 2026-12-01T06:00:00Z)")
        #expect(UTCInstant.text(951_782_400_123) == "2000-02-29T00:00:00.123Z")
        #expect(UTCInstant.text(-1) == "1969-12-31T23:59:59.999Z")
    }

    @Test("the group is derived from the live group and what is read: stable for the same command, different otherwise")
    func group() throws {
        let range = try BackfillRange(from: "2026-12-01", to: "2026-12-03")
        let name = BackfillGroup.name(live: "millrace-eav", range: range, source: "kafka", topics: ["b", "a"], tables: [], eventTime: false)
        #expect(name.hasPrefix("millrace-eav.backfill.20261201T000000Z-20261203T000000Z."))
        #expect(name.allSatisfy { $0.isLetter || $0.isNumber || ".-_".contains($0) })
        #expect(name == BackfillGroup.name(live: "millrace-eav", range: range, source: "kafka", topics: ["a", "b"], tables: [], eventTime: false))
        let others = [
            BackfillGroup.name(live: "millrace-eav", range: range, source: "kafka", topics: ["a"], tables: [], eventTime: false),
            BackfillGroup.name(live: "millrace-eav", range: range, source: "kafka", topics: ["a", "b"], tables: [], eventTime: true),
            BackfillGroup.name(live: "millrace-eav", range: range, source: "postgres", topics: ["a", "b"], tables: [], eventTime: false),
            BackfillGroup.name(live: "millrace-eav", range: try BackfillRange(from: "2026-12-01", to: "2026-12-04"), source: "kafka",
                topics: ["a", "b"], tables: [], eventTime: false),
        ]
        #expect(Set(others + [name]).count == 5)
    }

    @Test("slices balance the offsets to read, largest partitions first, never more slices than partitions")
    func slices() {
        func partition(_ number: Int32, _ span: Int64) -> BackfillPlan.Partition {
            BackfillPlan.Partition(source: SourcePartition(topic: "t", partition: number), start: 100, end: 100 + span)
        }
        let slices = KafkaBackfill.slices([partition(0, 10), partition(1, 70), partition(2, 30), partition(3, 40), partition(4, 0)], count: 2)
        #expect(slices.count == 2)
        #expect(slices.map { $0.reduce(0) { $0 + $1.span } }.sorted() == [70, 80])
        #expect(Set(slices.flatMap { $0.map(\.source.partition) }) == [0, 1, 2, 3, 4])
        #expect(KafkaBackfill.slices([partition(0, 5)], count: 8).count == 1)
    }

    @Test("the source query pages by (event time, key) and renders each column in its Debezium encoding")
    func sourceQuery() throws {
        let fact = try #require(try Catalog.load(directory: PackagePaths.schemas.path).table("fact_entity_values")?.current)
        let columns = [
            ("tenant_id", "int8"), ("entity_id", "int8"), ("attribute_id", "int8"), ("version", "int8"), ("value", "text"),
            ("value_int", "int8"), ("value_decimal", "numeric"), ("ingested_at", "timestamptz"),
        ].map { SourceTableQuery.SourceColumn(name: $0.0, type: $0.1) }
        let query = try SourceTableQuery(table: fact, relation: "eav.entity_values_ts", columns: columns, chunkRows: 500, lsn: 23_456_789)
        #expect(query.cursorColumns.map(\.name) == ["ingested_at", "entity_id", "version"])
        #expect(query.missingFields.isEmpty)
        #expect(query.firstSQL.contains(#"FROM "eav"."entity_values_ts" WHERE "ingested_at" >= $1::timestamptz AND "ingested_at" < $2::timestamptz ORDER BY "ingested_at", "entity_id", "version" LIMIT 500"#))
        #expect(query.nextSQL.contains(#"AND ("ingested_at", "entity_id", "version") > ($3::timestamptz, $4::int8, $5::int8) ORDER BY"#))
        #expect(query.firstSQL.hasPrefix("SELECT json_build_object('before', NULL, 'after', jsonb_build_object("))
        #expect(query.firstSQL.contains(#"'ingested_at', to_char("ingested_at" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')"#))
        #expect(query.firstSQL.contains(#"'value_decimal', "value_decimal""#))
        #expect(query.firstSQL.contains("'op', 'r'"))
        #expect(query.firstSQL.contains("'lsn', 23456789::bigint"), "every read stamped with the backfill's consistent point")
        // A declared column the table lacks is left null, as in a change made before it existed.
        let narrower = try SourceTableQuery(table: fact, relation: "eav.entity_values_ts", columns: columns.filter { $0.name != "value_decimal" }, chunkRows: 500, lsn: 1)
        #expect(narrower.missingFields == ["value_decimal"])
        #expect(throws: RuntimeError.self) {
            try SourceTableQuery(table: fact, relation: "eav.entity_values_ts", columns: columns.filter { $0.name != "ingested_at" }, chunkRows: 500, lsn: 1)
        }
        #expect(PostgresBackfill.sourceRelation("postgres.eav.entity_values_ts") == "public.entity_values_ts")
    }

    @Test("the backfill section has documented defaults and refuses unknown keys")
    func settings() throws {
        let defaults = try ConfigurationLoader.parse("{}", source: "test").backfill
        #expect(defaults == BackfillSettings())
        #expect(defaults.chunkRows == 10_000 && defaults.parallelism == 2 && defaults.progressInterval == .seconds(5) && defaults.sourceURL.isEmpty)
        let set = try ConfigurationLoader.parse("backfill: {source_url: 'postgres://a@h/db', chunk_rows: 50, parallelism: 4, progress_interval: 2s}", source: "test")
        #expect(set.backfill.chunkRows == 50 && set.backfill.parallelism == 4 && set.backfill.sourceURL == "postgres://a@h/db")
        for (yaml, expected) in [
            ("backfill: {chunk_row: 5}", "did you mean \"chunk_rows\""), ("backfill: {parallelism: 0}", "backfill.parallelism"),
            ("backfill: {chunk_rows: 0}", "backfill.chunk_rows"),
        ] {
            let error = try #require(throws: RuntimeError.self) { try ConfigurationLoader.parse(yaml, source: "test") }
            #expect(error.code == .configuration && error.message.contains(expected), "\(error.message)")
        }
    }
}
