import Foundation
import MillraceTesting
import Runtime
import Testing

@Suite("Line reader")
struct LineReaderTests {
    private func lines(of text: [UInt8], chunk: Int, hardLimit: Int = 1 << 20) throws -> [(String, Bool)] {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let file = folder.path("input.ndjson")
        try Data(text).write(to: file)
        var seen: [(String, Bool)] = []
        try LineReader(chunkBytes: chunk, hardLimitBytes: hardLimit).forEachLine(path: file.path) { line in
            seen.append((String(decoding: line.bytes, as: UTF8.self), line.isTruncated))
            return true
        }
        return seen
    }

    @Test("lines split across chunks come out whole, the last without a newline included")
    func chunkBoundaries() throws {
        let long = String(repeating: "x", count: 10_000)
        let text = Array("a\n\(long)\nbc\n\n\(long)y".utf8)
        let seen = try lines(of: text, chunk: 4096)
        #expect(seen.map(\.0) == ["a", long, "bc", "", long + "y"])
        #expect(seen.allSatisfy { !$0.1 })
    }

    @Test("a line over the hard limit is delivered truncated and flagged, the next line intact")
    func hardLimit() throws {
        let text = Array((String(repeating: "z", count: 9000) + "\nok\n").utf8)
        let seen = try lines(of: text, chunk: 4096, hardLimit: 5000)
        #expect(seen.count == 2)
        #expect(seen[0].0.count == 5000 && seen[0].1)
        #expect(seen[1] == ("ok", false))
    }

    @Test("a missing file is a clear error")
    func missingFile() {
        #expect(throws: RuntimeError.self) {
            try LineReader().forEachLine(path: "/nonexistent/millrace.ndjson") { _ in true }
        }
    }
}
