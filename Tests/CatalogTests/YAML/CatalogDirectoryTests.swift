import Catalog
import Foundation
import MillraceTesting
import Testing

/// `Schemas/` on disk: one folder per table, `v<N>.yaml` per version, `heartbeats.yaml`; the
/// path must agree with what each file declares.
@Suite("Schemas/ folder")
struct CatalogDirectoryTests {
    /// A folder with `t/v1.yaml`, `heartbeats.yaml` and a README, plus `files` (path → text).
    private func folder(_ files: [String: String] = [:]) throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory(prefix: "schemas")
        var all = ["t/v1.yaml": tableYAML(), "heartbeats.yaml": "heartbeats:\n  - {topic: test.heartbeat, field: ts_ms}\n", "README.md": "# notes\n"]
        all.merge(files) { $1 }
        for (path, text) in all {
            let url = directory.path(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        return directory
    }

    @Test("an evolved version written as v2.yaml loads as the table's current version")
    func secondVersion() throws {
        let directory = try folder()
        defer { directory.remove() }
        let first = try Catalog.load(directory: directory.url.path)
        let base = try #require(first.table("t")?.current)
        let change = try base.addingColumns(for: [ConnectField(name: "note", schema: ConnectSchema(type: .string))]).get()
        try Catalog.write(change.definition, toDirectory: directory.url.path)
        #expect(FileManager.default.fileExists(atPath: directory.path("t/v2.yaml").path))
        // Writing the same version again is a no-op; different content is refused.
        try Catalog.write(change.definition, toDirectory: directory.url.path)
        var other = change.definition
        other.description = "changed"
        #expect(throws: CatalogError.self) { try Catalog.write(other, toDirectory: directory.url.path) }
        let loaded = try Catalog.load(directory: directory.url.path)
        let history = try #require(loaded.table("t"))
        #expect(history.versions.map(\.version) == [1, 2])
        #expect(history.current == change.definition)
        #expect(history.current.columns.last?.name == "note" && history.current.columns.last?.addedIn == 2)
        #expect(loaded.heartbeats == [HeartbeatSource(topic: "test.heartbeat", field: "ts_ms")])
    }

    @Test("a file's path must agree with the table and version it declares", arguments: [
        ("t/v3.yaml", tableYAML(version: 2), "declares t v2 but its path says t v3"),
        ("u/v1.yaml", tableYAML(), "declares t v1 but its path says u v1"),
        ("t/latest.yaml", tableYAML(), "table files are named v<N>.yaml"),
        ("t/v2.yaml", tableYAML(version: 2, columns: "  - {name: extra, type: bigint}"), "added_in"),
    ])
    func pathMismatch(path: String, text: String, fragment: String) throws {
        let directory = try folder([path: text])
        defer { directory.remove() }
        do {
            _ = try Catalog.load(directory: directory.url.path)
            Issue.record("\(path) must be refused")
        } catch {
            #expect(error.message.contains(fragment), "\(error.message)")
        }
    }

    @Test("a path that is not a folder is an I/O error")
    func notAFolder() throws {
        let directory = try folder()
        defer { directory.remove() }
        #expect { try Catalog.load(directory: directory.path("README.md").path) } throws: { ($0 as? CatalogError)?.code == .io }
    }
}
