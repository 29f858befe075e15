import Retry
import Testing

@Suite("Full-jitter backoff")
struct FullJitterBackoffTests {
    @Test("the ceiling doubles from the initial delay and saturates at the cap")
    func ceilingGrowsAndSaturates() {
        let backoff = FullJitterBackoff(initialDelay: .milliseconds(100), maxDelay: .seconds(1))
        #expect(backoff.ceiling(forRetry: 1) == .milliseconds(100))
        #expect(backoff.ceiling(forRetry: 2) == .milliseconds(200))
        #expect(backoff.ceiling(forRetry: 4) == .milliseconds(800))
        #expect(backoff.ceiling(forRetry: 5) == .seconds(1))
        #expect(backoff.ceiling(forRetry: 10_000) == .seconds(1))
    }

    @Test("the delay is the ceiling scaled by the random draw, so it spans [0, ceiling)")
    func delayIsScaledByTheDraw() {
        let backoff = FullJitterBackoff(initialDelay: .milliseconds(100), maxDelay: .seconds(20))
        #expect(backoff.delay(forRetry: 3, unitRandom: 0) == .zero)
        #expect(backoff.delay(forRetry: 3, unitRandom: 0.5) == .milliseconds(200))
        #expect(backoff.delay(forRetry: 3, unitRandom: 0.25) == .milliseconds(100))
        // Out-of-range draws are clamped rather than producing negative or oversized delays.
        #expect(backoff.delay(forRetry: 3, unitRandom: -1) == .zero)
        #expect(backoff.delay(forRetry: 3, unitRandom: 7) == .milliseconds(400))
    }

    @Test("nonsensical settings are clamped")
    func settingsAreClamped() {
        let backoff = FullJitterBackoff(initialDelay: .seconds(5), maxDelay: .seconds(1), multiplier: 0.1)
        #expect(backoff.maxDelay == .seconds(5))
        #expect(backoff.multiplier == 1)
        #expect(backoff.ceiling(forRetry: 3) == .seconds(5))
    }
}
