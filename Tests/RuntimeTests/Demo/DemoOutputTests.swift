import Foundation
import MillraceTesting
@testable import Runtime
import Testing

/// `millrace demo --output DIR` clears DIR before a run: never a folder it did not write.
@Suite("Demo output folder")
struct DemoOutputTests {
    @Test("a folder holding someone else's files is refused and left as it was")
    func foreignFolder() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try Data("keep".utf8).write(to: folder.path("notes.txt"))
        let error = #expect(throws: RuntimeError.self) { try Demo.clearOutput(folder.url.path) }
        #expect(error?.code == .configuration)
        #expect(try String(contentsOf: folder.path("notes.txt"), encoding: .utf8) == "keep")
    }

    @Test("an earlier demo's folder is cleared and marked again; an absent one is created")
    func demoFolder() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try Demo.clearOutput(folder.url.path)
        try FileManager.default.createDirectory(at: folder.path("staging/t"), withIntermediateDirectories: true)
        try Data("old".utf8).write(to: folder.path("staging/t/old.parquet"))
        try Demo.clearOutput(folder.url.path)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).sorted() == [Demo.marker, "dimensions"])

        let absent = folder.path("nested/new").path
        try Demo.clearOutput(absent)
        #expect(FileManager.default.fileExists(atPath: absent + "/" + Demo.marker))
    }
}
