import Foundation
import MillraceTesting
import Testing

@Suite("millrace schemas")
struct SchemasCommandTests {
    private let millrace = PackagePaths.builtExecutable("millrace").path

    @Test("check passes on the shipped registry and fails, naming the problem, on a broken one")
    func check() async throws {
        let good = try await Subprocess.run([millrace, "schemas", "check", "--schemas", PackagePaths.schemas.path])
        #expect(good.output.contains("ok  fact_entity_values v1"))
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try FileManager.default.createDirectory(at: directory.path("t"), withIntermediateDirectories: true)
        try Data("table: t\nversion: 1\nsource: {topic: x, key: [id]}\nkeys: {merge: [id]}\ncolumns:\n  - {name: id, type: bigint, nullable: false, colour: red}\n".utf8)
            .write(to: directory.path("t/v1.yaml"))
        let bad = try await Subprocess.run([millrace, "schemas", "check", "--schemas", directory.url.path], check: false)
        #expect(bad.status == 1)
        #expect(bad.stderr.hasPrefix("millrace: ") && bad.stderr.contains("colour"), "\(bad.stderr)")
        #expect(!bad.stderr.contains("invalid_declaration"), "a code name leaked: \(bad.stderr)")
    }

    @Test("ddl prints CREATE TABLE for either dialect")
    func ddl() async throws {
        let redshift = try await Subprocess.run([millrace, "schemas", "ddl", "--schemas", PackagePaths.schemas.path, "--dialect", "redshift"]).output
        #expect(redshift.contains("DISTKEY (\"entity_id\")"))
        let postgres = try await Subprocess.run([millrace, "schemas", "ddl", "--schemas", PackagePaths.schemas.path, "--dialect", "postgres", "--table", "dim_entities"]).output
        #expect(postgres.hasPrefix("-- dim_entities"))
        #expect(!postgres.contains("DISTSTYLE"))
        let wrong = try await Subprocess.run([millrace, "schemas", "ddl", "--dialect", "oracle"], check: false)
        #expect(wrong.status == 64 && wrong.stderr.contains("--dialect must be redshift or postgres"), "\(wrong.stderr)")
    }
}
