@testable import Runtime
import Testing

@Suite("Start-up timeline")
struct StartupTimelineTests {
    @Test("each step keeps its first time; the first fetch is reported once; beyond-join is what the join did not hide")
    func marks() {
        var startup = StartupTimeline(startedAtMillis: 1_000)
        #expect(startup.beyondJoinMillis == nil)
        startup.joined(atMillis: 4_000)
        startup.dimensionsLoaded(atMillis: 3_100)
        startup.joined(atMillis: 9_000)  // a later rebalance is not the join
        #expect(startup.beyondJoinMillis == nil)
        let first = startup.fetched(atMillis: 4_250)
        let second = startup.fetched(atMillis: 5_000)
        #expect(first && !second)
        #expect(startup.elapsed(startup.dimensionsLoadedAtMillis) == 2_100)
        #expect(startup.elapsed(startup.joinedAtMillis) == 3_000)
        #expect(startup.elapsed(startup.firstRecordsAtMillis) == 3_250)
        #expect(startup.beyondJoinMillis == 250)
    }

    @Test("dimensions that load longer than the join show up beyond it")
    func slowDimensions() {
        var startup = StartupTimeline(startedAtMillis: 0)
        startup.joined(atMillis: 3_000)
        startup.dimensionsLoaded(atMillis: 5_000)
        _ = startup.fetched(atMillis: 5_100)
        #expect(startup.beyondJoinMillis == 2_100)
        #expect(startup.elapsed(nil) == nil)
    }
}
