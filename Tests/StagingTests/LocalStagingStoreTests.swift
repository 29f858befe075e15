import Foundation
import MillraceTesting
import Staging
import Testing

@Suite("Local staging store")
struct LocalStagingStoreTests {
    @Test("put, get, list by prefix and delete on a real folder")
    func basicOperations() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let store = try LocalStagingStore(root: folder.url)
        try store.put("a/b/one.json", data: Array("1".utf8))
        try store.put("a/c/two.json", data: Array("22".utf8))
        try store.put("z.json", data: [])
        #expect(try store.get("a/b/one.json") == Array("1".utf8))
        #expect(try store.get("missing") == nil)
        #expect(try store.list(prefix: "a/") == [StagedObject(key: "a/b/one.json", size: 1), StagedObject(key: "a/c/two.json", size: 2)])
        try store.delete(["a/b/one.json", "never-existed"])
        #expect(try store.list(prefix: "").map(\.key) == ["a/c/two.json", "z.json"])
    }

    @Test("a streamed object is invisible until finished and gone when aborted")
    func streamedVisibility() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let store = try LocalStagingStore(root: folder.url)
        let writer = try store.openWriter("t/file.parquet")
        try [UInt8](repeating: 7, count: 1000).withUnsafeBytes { try writer.write($0) }
        #expect(try store.list(prefix: "t/").isEmpty)
        #expect(try writer.finish() == 1000)
        #expect(try store.list(prefix: "t/") == [StagedObject(key: "t/file.parquet", size: 1000)])
        let aborted = try store.openWriter("t/other.parquet")
        try [UInt8](repeating: 1, count: 10).withUnsafeBytes { try aborted.write($0) }
        aborted.abort()
        #expect(try store.list(prefix: "t/").map(\.key) == ["t/file.parquet"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path("t").path) == ["file.parquet"])
    }

    @Test("create writes a key only once: of many concurrent creators exactly one wins, and its bytes stay")
    func createOnce() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let store = try LocalStagingStore(root: folder.url)
        for round in 0..<20 {
            let key = "claims/t/v\(round).yaml"
            let winners = await withTaskGroup(of: (Int, Bool).self) { group in
                for writer in 0..<8 {
                    group.addTask { (writer, (try? store.create(key, data: Array("writer \(writer)".utf8))) ?? false) }
                }
                return await group.reduce(into: [Int]()) { if $1.1 { $0.append($1.0) } }
            }
            #expect(winners.count == 1, "round \(round): \(winners)")
            #expect(try store.get(key) == Array("writer \(winners.first ?? -1)".utf8))
        }
        #expect(try store.create("claims/t/v0.yaml", data: Array("late".utf8)) == false)
        // No temporary file is left beside the claims.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path("claims/t").path).allSatisfy { !$0.hasPrefix(".") })
    }

    @Test("keys escaping the root are refused", arguments: ["../x", "/etc/passwd", "a//b", "a/./b", ""])
    func escapingKeys(_ key: String) throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let store = try LocalStagingStore(root: folder.url)
        #expect(throws: StagingError.self) { try store.put(key, data: [1]) }
    }
}
