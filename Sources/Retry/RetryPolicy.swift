#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one retry loop every Millrace client uses: up to `maxAttempts` attempts, classified by a
/// `RetryLogic`, separated by `FullJitterBackoff` delays.
///
/// Randomness and sleeping are injected so tests run the loop without waiting and can predict
/// every delay. The synchronous `run` blocks its thread while it sleeps: call it only on a
/// dedicated thread, never on Swift's cooperative pool; use the `async` form there.
public struct RetryPolicy: Sendable {
    /// Attempts in total, the first included; 1 disables retries. Default: 5.
    public var maxAttempts: Int
    /// Delays between attempts. Default: `FullJitterBackoff()` (100 ms growing ×2 to 20 s).
    public var backoff: FullJitterBackoff
    /// Draws a number uniformly from [0, 1) for the jitter. Default: the system generator.
    public var random: @Sendable () -> Double
    /// Blocks the calling thread for a duration (synchronous loop). Default: `nanosleep`.
    public var sleep: @Sendable (Duration) -> Void
    /// Suspends for a duration (async loop); throwing ends the retries. Default: `Task.sleep`.
    public var sleepAsync: @Sendable (Duration) async throws -> Void

    /// A policy; `maxAttempts` below 1 is treated as 1.
    public init(
        maxAttempts: Int = 5,
        backoff: FullJitterBackoff = FullJitterBackoff(),
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        sleep: @escaping @Sendable (Duration) -> Void = RetryPolicy.threadSleep,
        sleepAsync: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.backoff = backoff
        self.random = random
        self.sleep = sleep
        self.sleepAsync = sleepAsync
    }

    /// A policy that tries once and never retries.
    public static var never: RetryPolicy { RetryPolicy(maxAttempts: 1) }

    /// Runs `operation` (given the attempt number, from 1) until it succeeds, fails with an error
    /// `logic` deems final, or the attempts run out; then returns its last response or rethrows
    /// its last error. `onRetry` hears about each retry before the loop sleeps.
    public func run<Logic: RetryLogic>(
        _ logic: Logic,
        onRetry: (RetryAttempt<Logic.Failure>) -> Void = { _ in },
        _ operation: (_ attempt: Int) throws(Logic.Failure) -> Logic.Response
    ) throws(Logic.Failure) -> Logic.Response where Logic.Failure: Sendable {
        var attempt = 1
        while true {
            let cause: RetryAttempt<Logic.Failure>.Cause
            do throws(Logic.Failure) {
                let response = try operation(attempt)
                guard case .retry(let reason) = logic.shouldRetry(response), attempt < maxAttempts else {
                    return response
                }
                cause = .response(reason: reason)
            } catch {
                guard logic.isRetriable(error), attempt < maxAttempts else { throw error }
                cause = .error(error)
            }
            let delay = backoff.delay(forRetry: attempt, unitRandom: random())
            onRetry(RetryAttempt(attempt: attempt, delay: delay, cause: cause))
            if delay > .zero { sleep(delay) }
            attempt += 1
        }
    }

    /// The `async` form of `run`: the same decisions, sleeping with `sleepAsync`. When the sleep
    /// throws (the task was cancelled) the loop stops and reports the last outcome.
    public func run<Logic: RetryLogic>(
        _ logic: Logic,
        onRetry: (RetryAttempt<Logic.Failure>) -> Void = { _ in },
        _ operation: (_ attempt: Int) async throws(Logic.Failure) -> Logic.Response
    ) async throws(Logic.Failure) -> Logic.Response where Logic.Failure: Sendable {
        var attempt = 1
        while true {
            var lastResponse: Logic.Response?
            var lastError: Logic.Failure?
            let cause: RetryAttempt<Logic.Failure>.Cause
            do throws(Logic.Failure) {
                let response = try await operation(attempt)
                guard case .retry(let reason) = logic.shouldRetry(response), attempt < maxAttempts else {
                    return response
                }
                lastResponse = response
                cause = .response(reason: reason)
            } catch {
                guard logic.isRetriable(error), attempt < maxAttempts else { throw error }
                lastError = error
                cause = .error(error)
            }
            let delay = backoff.delay(forRetry: attempt, unitRandom: random())
            onRetry(RetryAttempt(attempt: attempt, delay: delay, cause: cause))
            do {
                if delay > .zero { try await sleepAsync(delay) }
            } catch {
                if let lastError { throw lastError }
                if let lastResponse { return lastResponse }
            }
            attempt += 1
        }
    }

    /// Sleeps the calling thread with `nanosleep`, resuming after signals until the time is up.
    public static func threadSleep(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        guard seconds > 0 || attoseconds > 0 else { return }
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR {
            request = remaining
        }
    }
}
