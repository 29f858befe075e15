@testable import Runtime
import Testing

@Suite("Start-up timeline")
struct StartupTimelineTests {
    @Test("each step keeps its first time; the first fetch is reported once; beyond the join: the dimensions and the first fetch")
    func marks() {
        var startup = StartupTimeline(startedAtMillis: 1_000)
        #expect(startup.beyondJoinMillis == nil)
        startup.dimensionsLoaded(atMillis: 1_100)
        startup.dimensionsLoaded(atMillis: 3_100)  // only the first counts
        startup.joined(atMillis: 4_000)
        startup.joined(atMillis: 9_000)  // a later rebalance is not the join
        #expect(startup.beyondJoinMillis == nil)
        let first = startup.fetched(atMillis: 4_250)
        let second = startup.fetched(atMillis: 5_000)
        #expect(first && !second)
        #expect(startup.elapsed(startup.dimensionsLoadedAtMillis) == 100)
        #expect(startup.elapsed(startup.joinedAtMillis) == 3_000)
        #expect(startup.elapsed(startup.firstRecordsAtMillis) == 3_250)
        #expect(startup.beyondJoinMillis == 100 + 250)
    }

    @Test("a slow dimension load counts beyond the join; nothing is reported before the first records")
    func slowDimensions() {
        var startup = StartupTimeline(startedAtMillis: 0)
        startup.dimensionsLoaded(atMillis: 2_000)
        startup.joined(atMillis: 5_000)
        #expect(startup.beyondJoinMillis == nil)
        _ = startup.fetched(atMillis: 5_100)
        #expect(startup.beyondJoinMillis == 2_100)
        #expect(startup.elapsed(nil) == nil)
    }
}
