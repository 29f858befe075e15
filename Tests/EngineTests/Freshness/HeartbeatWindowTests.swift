import Engine
import Testing

@Suite("Heartbeat window")
struct HeartbeatWindowTests {
    @Test("a heartbeat stands for caught-up partitions only once it was consumed the margin before; the newest qualifying one wins and stays")
    func qualification() {
        var window = HeartbeatWindow(marginMillis: 1_500)
        #expect(window.qualifying(nowMillis: 10_000) == nil)
        window.seen(sourceMillis: 500_000, atMillis: 10_000)
        #expect(window.qualifying(nowMillis: 11_000) == nil, "consumed 1 s ago: an end-of-partition state may predate its append")
        window.seen(sourceMillis: 510_000, atMillis: 11_000)
        #expect(window.qualifying(nowMillis: 11_500) == 500_000)
        #expect(window.qualifying(nowMillis: 12_499) == 500_000)
        #expect(window.qualifying(nowMillis: 12_500) == 510_000)
        // An older source time consumed later never moves it back; no new heartbeat keeps the last.
        window.seen(sourceMillis: 400_000, atMillis: 13_000)
        #expect(window.qualifying(nowMillis: 20_000) == 510_000)
        #expect(window.qualifying(nowMillis: 90_000) == 510_000)
    }
}
