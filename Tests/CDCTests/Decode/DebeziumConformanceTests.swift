import CDC
import Catalog
import Foundation
import MillraceTesting
import Testing

/// One record of the Debezium conformance corpus (`Tests/Fixtures/debezium/*.json`, written by
/// `scripts/fixtures/gen_debezium_corpus.py` from Debezium's PostgreSQL connector tests and
/// documentation and Kafka's JsonConverter, each case naming its source) and what it must become.
struct CorpusCase: CustomStringConvertible, Sendable {
    enum Expectation: Sendable {
        /// Every decoded column's rendering (compact JSON); a column not listed must be null.
        case row([String: String])
        case deadLetter(reason: String, fragment: String)
    }

    var file: String
    var name: String
    var source: String
    var topic: String
    var key: String?
    var value: String?
    var timestampMs: Int64
    var expectation: Expectation

    var description: String { "\(file): \(name)" }

    /// Every case of every corpus file.
    static let all: [CorpusCase] = {
        let folder = PackagePaths.fixtures.appendingPathComponent("debezium")
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
        var cases: [CorpusCase] = []
        for file in files {
            guard let text = try? String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8), let document = RawJSON.parse(text)
            else {
                cases.append(CorpusCase(
                    file: file, name: "unreadable fixture", source: "", topic: "", key: nil, value: nil, timestampMs: 0,
                    expectation: .deadLetter(reason: "<the fixture is not JSON>", fragment: "")))
                continue
            }
            for entry in document["cases"]?.elements ?? [] {
                let expect = entry["expect"]
                let expectation: Expectation
                if let row = expect?["row"] {
                    expectation = .row(Dictionary(uniqueKeysWithValues: row.members.map { ($0.key, $0.value.compact) }))
                } else {
                    expectation = .deadLetter(
                        reason: expect?["dead_letter"]?.string ?? "<missing>", fragment: expect?["message_contains"]?.string ?? "")
                }
                let key = entry["key"].flatMap { $0.isNull ? nil : ($0.string ?? $0.compact) }
                cases.append(CorpusCase(
                    file: file, name: entry["name"]?.string ?? "<unnamed>", source: entry["source"]?.string ?? "",
                    topic: entry["topic"]?.string ?? "", key: key, value: entry["value"].flatMap { $0.isNull ? nil : $0.compact },
                    timestampMs: entry["timestamp_ms"].flatMap { Int64($0.text) } ?? 1_000, expectation: expectation))
            }
        }
        return cases
    }()
}

/// The Debezium conformance corpus, decoded against its test-only registry
/// (`Tests/Fixtures/debezium-catalog/`): every PostgreSQL type the connector documents, the
/// decimal, time, binary, interval and hstore modes, the full envelope, ExtractNewRecordState
/// with each delete handling, tombstones, schemaless JSON and unchanged TOASTed values. Each
/// record must become exactly its row (every column) or a dead letter with exactly its reason.
@Suite("Debezium conformance corpus")
struct DebeziumConformanceTests {
    static func catalog() throws -> Catalog {
        try Catalog.load(directory: PackagePaths.fixtures.appendingPathComponent("debezium-catalog").path)
    }

    @Test("each record becomes its typed row or its dead-letter reason, exactly", arguments: CorpusCase.all)
    func conforms(_ fixture: CorpusCase) throws {
        #expect(!fixture.source.isEmpty, "every fixture names where its shape comes from")
        let harness = try Harness(catalog: try Self.catalog())
        let outcome = harness.decode(
            topic: fixture.topic, key: fixture.key, value: fixture.value.map { Array($0.utf8) }, timestampMs: fixture.timestampMs)
        switch fixture.expectation {
        case .deadLetter(let reason, let fragment):
            let letter = Harness.deadLetter(outcome)
            #expect(letter?.reason.description == reason, "\(letter?.message ?? "")")
            #expect(letter?.message.contains(fragment) == true, "`\(fragment)` not in: \(letter?.message ?? "")")
            #expect(letter?.value == fixture.value.map { Array($0.utf8) }, "the dead letter keeps the original bytes")
        case .row(let expected):
            guard case .row(let table, _) = outcome else {
                Issue.record("expected a row, got \(outcome)")
                return
            }
            let batch = try harness.decoder.takeBatch(table)
            #expect(batch.rowCount == 1)
            let row = try #require(RawJSON.parse(RowFormatter.json(batch, row: 0)))
            let actual = Dictionary(uniqueKeysWithValues: row.members.map { ($0.key, $0.value.compact) })
            for name in expected.keys.sorted() where actual[name] == nil {
                Issue.record("expected column `\(name)` is not in the row: \(row.text)")
            }
            for (name, value) in row.members.map({ ($0.key, $0.value.compact) }) where !name.hasPrefix("_kafka_") {
                #expect(value == expected[name] ?? "null", "column `\(name)`")
            }
        }
    }

    @Test("the corpus covers the types, modes and envelopes it must")
    func coverage() {
        let names = CorpusCase.all.map { $0.name.lowercased() }.joined(separator: "\n")
        let required = [
            "real and double precision", "decimal.handling.mode=precise", "decimal.handling.mode=double", "decimal.handling.mode=string",
            "money", "interval under interval.handling.mode=string", "time.precision.mode=adaptive",
            "time.precision.mode=adaptive_time_microseconds", "time.precision.mode=connect", "binary.handling.mode=bytes",
            "binary.handling.mode=base64", "binary.handling.mode=hex", "arrays", "hstore", "json, jsonb", "uuid", "enum", "bit",
            "point", "tsvector", "inet", "create: before null", "delete under replica identity default",
            "delete under replica identity full", "tombstone", "transaction metadata", "add.fields", "rewrite",
            "delete.handling.mode=none", "delete.handling.mode=drop", "schemaless", "unchanged toasted",
        ]
        for phrase in required {
            #expect(names.contains(phrase), "no corpus case covers \(phrase)")
        }
        #expect(CorpusCase.all.count >= 70)
    }
}
