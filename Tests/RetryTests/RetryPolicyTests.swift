import Retry
import Synchronization
import Testing

/// A failure with a flag saying whether it is transient.
struct Flaky: Error, Equatable {
    var transient: Bool
    var id: Int = 0
}

/// Retries transient `Flaky` errors; a response of -1 asks to be retried, -2 is final but bad.
struct FlakyLogic: RetryLogic {
    func isRetriable(_ error: Flaky) -> Bool { error.transient }
    func shouldRetry(_ response: Int) -> RetryAction {
        switch response {
        case -1: .retry(reason: "busy")
        case -2: .dontRetry(reason: "refused")
        default: .successful
        }
    }
}

/// Records the sleeps a policy asks for instead of waiting.
final class SleepRecorder: Sendable {
    let sleeps = Mutex<[Duration]>([])

    func policy(maxAttempts: Int, random: Double = 0.5) -> RetryPolicy {
        RetryPolicy(
            maxAttempts: maxAttempts,
            backoff: FullJitterBackoff(initialDelay: .milliseconds(100), maxDelay: .seconds(1)),
            random: { random },
            sleep: { duration in self.sleeps.withLock { $0.append(duration) } },
            sleepAsync: { duration in self.sleeps.withLock { $0.append(duration) } }
        )
    }

    var recorded: [Duration] { sleeps.withLock { $0 } }
}

@Suite("Retry loop")
struct RetryPolicyTests {
    @Test("a success on the first attempt neither retries nor sleeps")
    func firstSuccess() throws {
        let recorder = SleepRecorder()
        var calls = 0
        let value = try recorder.policy(maxAttempts: 5).run(FlakyLogic()) { (attempt: Int) throws(Flaky) -> Int in
            calls += 1
            return attempt * 10
        }
        #expect(value == 10)
        #expect(calls == 1)
        #expect(recorder.recorded.isEmpty)
    }

    @Test("transient errors are retried with growing jittered delays until success")
    func transientErrorsAreRetried() throws {
        let recorder = SleepRecorder()
        var retries: [Int] = []
        let value = try recorder.policy(maxAttempts: 5).run(FlakyLogic(), onRetry: { retries.append($0.attempt) }) {
            (attempt: Int) throws(Flaky) -> Int in
            if attempt < 4 { throw Flaky(transient: true, id: attempt) }
            return attempt
        }
        #expect(value == 4)
        #expect(retries == [1, 2, 3])
        #expect(recorder.recorded == [.milliseconds(50), .milliseconds(100), .milliseconds(200)])
    }

    @Test("a final error is thrown at once, without retrying")
    func finalErrorIsNotRetried() {
        let recorder = SleepRecorder()
        var calls = 0
        #expect(throws: Flaky(transient: false, id: 1)) {
            try recorder.policy(maxAttempts: 5).run(FlakyLogic()) { (attempt: Int) throws(Flaky) -> Int in
                calls += 1
                throw Flaky(transient: false, id: attempt)
            }
        }
        #expect(calls == 1)
        #expect(recorder.recorded.isEmpty)
    }

    @Test("when attempts run out the last error is thrown")
    func exhaustionThrowsTheLastError() {
        let recorder = SleepRecorder()
        #expect(throws: Flaky(transient: true, id: 3)) {
            try recorder.policy(maxAttempts: 3).run(FlakyLogic()) { (attempt: Int) throws(Flaky) -> Int in
                throw Flaky(transient: true, id: attempt)
            }
        }
        #expect(recorder.recorded.count == 2)
    }

    @Test("a response asking for a retry is retried; when attempts run out it is returned")
    func responsesCanAskForRetries() throws {
        let recorder = SleepRecorder()
        var reasons: [String] = []
        let value = try recorder.policy(maxAttempts: 3).run(FlakyLogic(), onRetry: { retry in
            if case .response(let reason) = retry.cause { reasons.append(reason) }
        }) { (_: Int) throws(Flaky) -> Int in -1 }
        #expect(value == -1)
        #expect(reasons == ["busy", "busy"])
    }

    @Test("a response declined as final is returned without retrying")
    func dontRetryIsFinal() throws {
        let recorder = SleepRecorder()
        var calls = 0
        let value = try recorder.policy(maxAttempts: 3).run(FlakyLogic()) { (_: Int) throws(Flaky) -> Int in
            calls += 1
            return -2
        }
        #expect(value == -2)
        #expect(calls == 1)
    }

    @Test("maxAttempts 1 never retries")
    func neverRetries() {
        var calls = 0
        #expect(throws: Flaky.self) {
            try RetryPolicy.never.run(FlakyLogic()) { (_: Int) throws(Flaky) -> Int in
                calls += 1
                throw Flaky(transient: true)
            }
        }
        #expect(calls == 1)
    }

    @Test("the async loop makes the same decisions as the synchronous one")
    func asyncLoop() async throws {
        let recorder = SleepRecorder()
        let value = try await recorder.policy(maxAttempts: 4).run(FlakyLogic()) {
            (attempt: Int) async throws(Flaky) -> Int in
            if attempt < 3 { throw Flaky(transient: true, id: attempt) }
            return attempt
        }
        #expect(value == 3)
        #expect(recorder.recorded == [.milliseconds(50), .milliseconds(100)])
    }

    @Test("a cancelled sleep ends the async loop with the last error")
    func cancelledSleepStops() async {
        let policy = RetryPolicy(maxAttempts: 10, random: { 0.5 }, sleepAsync: { _ in throw CancellationError() })
        let calls = Mutex(0)
        await #expect(throws: Flaky(transient: true, id: 1)) {
            try await policy.run(FlakyLogic()) { (attempt: Int) async throws(Flaky) -> Int in
                calls.withLock { $0 += 1 }
                throw Flaky(transient: true, id: attempt)
            }
        }
        #expect(calls.withLock { $0 } == 1)
    }

    @Test("threadSleep really waits (a short, loose bound)")
    func threadSleepWaits() {
        let clock = ContinuousClock()
        let start = clock.now
        RetryPolicy.threadSleep(.milliseconds(20))
        #expect(clock.now - start >= .milliseconds(19))
    }
}
