import Catalog
import Testing

@Suite("Schemas/ file format")
struct TableYAMLTests {
    @Test("every shipped table version writes and reads back equal")
    func roundTrip() throws {
        for history in try shippedCatalog().tables {
            for definition in history.versions {
                let text = Catalog.yaml(of: definition)
                #expect(try Catalog.definition(yaml: text) == definition, "\(definition.name) v\(definition.version)")
            }
        }
    }

    @Test("an evolved version, with a Connect array and a quoted description, round-trips")
    func evolvedRoundTrip() throws {
        let base = try Catalog.definition(yaml: tableYAML(columns: "  - {name: note, type: varchar, description: \"a: \\\"quoted\\\" note #1\"}"))
        let field = ConnectField(
            name: "labels",
            schema: ConnectSchema(type: .array, isOptional: true, elementSchemas: [ConnectSchema(type: .string, isOptional: false)])
        )
        let change = try base.addingColumns(for: [field]).get()
        let text = Catalog.yaml(of: change.definition)
        #expect(text.contains("added_in: 2"))
        #expect(try Catalog.definition(yaml: text) == change.definition)
        #expect(change.definition.column("note")?.description == "a: \"quoted\" note #1")
    }

    @Test("an unknown key is an error, not ignored")
    func unknownKey() {
        do {
            _ = try Catalog.definition(yaml: tableYAML(columns: "  - {name: v, type: bigint, nulable: false}"))
            Issue.record("a misspelt key must be refused")
        } catch {
            #expect(error.code == .invalidDeclaration)
            #expect(error.message.contains("nulable"))
        }
    }

    @Test("missing required keys and bad YAML are reported with their code")
    func requiredKeys() {
        let cases: [(String, CatalogError.Code)] = [
            ("table: t\nversion: 1\nkeys: {merge: [id]}\ncolumns: [{name: id, type: bigint}]", .invalidDeclaration),
            ("table: t\nversion: 0\n", .invalidDeclaration),
            ("table: [unclosed", .yaml),
            (tableYAML(columns: "  - {name: v, type: int}"), .invalidType),
            (tableYAML(columns: "  - {name: v, type: bigint, connect: {type: int128}}"), .invalidType),
        ]
        for (text, code) in cases {
            do {
                _ = try Catalog.definition(yaml: text)
                Issue.record("should fail: \(text)")
            } catch {
                #expect(error.code == code, "\(text)")
            }
        }
    }
}
