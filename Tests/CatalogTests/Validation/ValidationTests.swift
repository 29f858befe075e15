import Catalog
import Foundation
import Testing

@Suite("Registry validation")
struct ValidationTests {
    private func problem(_ yaml: String) -> CatalogError? {
        do {
            _ = try Catalog.definition(yaml: yaml)
            return nil
        } catch {
            return error
        }
    }

    @Test("each table rule is enforced")
    func tableRules() {
        let cases: [(String, String)] = [
            (tableYAML(columns: "  - {name: id, type: bigint}"), "appears twice"),
            (tableYAML(columns: "  - {name: Bad, type: bigint}"), "must match"),
            (tableYAML(columns: "  - {name: _x, type: bigint}"), "must match"),
            (tableYAML(columns: "", keys: "keys: {merge: [nope]}"), "key column `nope`"),
            (tableYAML(columns: "", keys: "keys: {merge: [id], version: id2}"), "version column"),
            (tableYAML(columns: "  - {name: v, type: varchar}\nevent_time: v"), "event_time"),
            (tableYAML(columns: "  - {name: v, type: bigint, connect: {type: string}}"), "cannot feed"),
            (tableYAML(columns: "redshift: {diststyle: key}"), "needs a distkey"),
            (tableYAML(columns: "redshift: {diststyle: all, distkey: id}"), "only allowed with diststyle key"),
            (tableYAML(columns: "redshift: {sortkey: [nope]}"), "sortkey"),
            (
                tableYAML(columns: "  - {name: e, type: varchar, enrich: {dimension: d, on: id, column: x}}\n  - {name: late, type: bigint}"),
                "before the enrichment"
            ),
            (
                "table: t\nversion: 1\nsource: {topic: x, key: [v]}\nkeys: {merge: [v]}\ncolumns:\n  - {name: v, type: bigint}",
                "nullable: false"
            ),
        ]
        for (yaml, fragment) in cases {
            let error = problem(yaml)
            #expect(error?.message.contains(fragment) == true, "expected `\(fragment)` for:\n\(yaml)\ngot: \(String(describing: error))")
        }
    }

    @Test("declarations Debezium needs are accepted: bytes as a base64 or hex string, a timestamp as Connect Timestamp")
    func debeziumDeclarations() throws {
        let yaml = tableYAML(columns: """
              - {name: b64, type: bytes, connect: {type: string}}
              - {name: hex, type: bytes, connect: {type: string, parameters: {binary.handling.mode: hex}}}
              - {name: url, type: bytes, connect: {type: string, parameters: {binary.handling.mode: base64-url-safe}}}
              - {name: ts, type: timestamp, connect: {type: int64, name: org.apache.kafka.connect.data.Timestamp, version: 1}}
            """)
        let table = try Catalog.definition(yaml: yaml)
        #expect(table.column("hex")?.connectEncoding?.parameters["binary.handling.mode"] == "hex")
        // The stored form reads back equal.
        #expect(try Catalog.definition(yaml: Catalog.yaml(of: table)) == table)
        let bad = problem(tableYAML(columns: "  - {name: b, type: bytes, connect: {type: string, parameters: {binary.handling.mode: base32}}}"))
        #expect(bad?.message.contains("base32") == true, "\(String(describing: bad))")
    }

    @Test("source.replica_identity: default unless declared full, written back only when full, refused off a topic")
    func replicaIdentity() throws {
        #expect(try Catalog.definition(yaml: tableYAML()).replicaIdentity == .default)
        let full = try Catalog.definition(
            yaml: tableYAML().replacingOccurrences(of: "key: [id]}", with: "key: [id], replica_identity: full}"))
        #expect(full.replicaIdentity == .full)
        #expect(Catalog.yaml(of: full).contains("  replica_identity: full\n"))
        #expect(try Catalog.definition(yaml: Catalog.yaml(of: full)) == full)
        #expect(!Catalog.yaml(of: try Catalog.definition(yaml: tableYAML())).contains("replica_identity"))
        let wrong = problem(tableYAML().replacingOccurrences(of: "key: [id]}", with: "key: [id], replica_identity: nothing}"))
        #expect(wrong?.message.contains("not default or full") == true, "\(String(describing: wrong))")
        let snapshot = problem("table: d\nversion: 1\nsource: {snapshot: d, replica_identity: full}\nkeys: {merge: [id]}\ncolumns:\n  - {name: id, type: bigint, nullable: false}")
        #expect(snapshot != nil)
    }

    @Test("references between tables are checked when the catalog is built")
    func references() throws {
        let fact = try Catalog.definition(
            yaml: tableYAML(name: "f", columns: "  - {name: label, type: varchar(10), enrich: {dimension: dims, on: id, column: label}}")
        )
        #expect(throws: CatalogError.self) { try Catalog(tables: [TableHistory(fact)]) }
        let narrow = try Catalog.definition(
            yaml: "table: dims\nversion: 1\nsource: {snapshot: dims}\nkeys: {merge: [id]}\ncolumns:\n  - {name: id, type: bigint, nullable: false}\n  - {name: label, type: varchar(20)}"
        )
        do {
            _ = try Catalog(tables: [TableHistory(fact), TableHistory(narrow)])
            Issue.record("a varchar(20) dimension column cannot fill a varchar(10) enrichment")
        } catch {
            #expect(error.message.contains("varchar(10)"))
        }
        var wide = narrow
        wide.columns[1].type = .varchar(maxBytes: 10)
        #expect(try Catalog(tables: [TableHistory(fact), TableHistory(wide)]).tables.count == 2)
    }

    @Test("a topic may feed only one table")
    func duplicateTopic() throws {
        let first = try Catalog.definition(yaml: tableYAML(name: "a"))
        var second = try Catalog.definition(yaml: tableYAML(name: "b"))
        second.source = first.source
        do {
            _ = try Catalog(tables: [TableHistory(first), TableHistory(second)])
            Issue.record("two tables on one topic must be refused")
        } catch {
            #expect(error.code == .duplicate)
        }
    }

    @Test("versions evolve only by appending nullable columns")
    func versions() throws {
        let v1 = try Catalog.definition(yaml: tableYAML(columns: "  - {name: v, type: varchar(10)}"))
        let catalog = try Catalog(tables: [TableHistory(v1)])
        var widened = v1
        widened.version = 2
        widened.columns[widened.columns.count - 1].type = .varchar(maxBytes: 20)
        #expect(try catalog.adding(version: widened).table("t")?.current.version == 2)

        var retyped = v1
        retyped.version = 2
        retyped.columns[retyped.columns.count - 1].type = .bigint
        #expect(throws: CatalogError.self) { try catalog.adding(version: retyped) }

        var removed = v1
        removed.version = 2
        removed.columns.removeLast()
        #expect(throws: CatalogError.self) { try catalog.adding(version: removed) }

        var skipped = v1
        skipped.version = 3
        #expect(throws: CatalogError.self) { try catalog.adding(version: skipped) }

        var required = v1
        required.version = 2
        required.columns.append(Column(name: "w", type: .bigint, role: .source(field: "w", connect: ConnectSchema(type: .int64, isOptional: false)), nullable: false, addedIn: 2))
        do {
            _ = try catalog.adding(version: required)
            Issue.record("an added NOT NULL column must be refused")
        } catch {
            #expect(error.code == .incompatibleVersion)
        }
    }
}
