import Staging
import Testing

@Suite("Batch ids")
struct BatchIDTests {
    @Test("format, parse and order by creation time")
    func roundTrip() throws {
        let id = BatchID(createdAtMillis: 1_795_628_520_123, random: 0x3FA9_C2D1)
        #expect(id.rawValue == "20261125T174200123Z-000000003fa9c2d1")
        let parsed = try #require(BatchID(id.rawValue))
        #expect(parsed == id)
        #expect(parsed.createdAtMillis == 1_795_628_520_123)
        #expect(BatchID(createdAtMillis: 1_795_628_520_124, random: 0) > id)
        #expect(id.hour.description == "2026-11-25T17:00Z")
    }

    @Test("malformed ids are rejected", arguments: ["", "x", "20261325T174200123Z-000000003fa9c2d1", "20261125T174200123Z-00000000zfa9c2d1"])
    func malformed(_ text: String) {
        #expect(BatchID(text) == nil)
    }
}
