import Foundation
import Kafka
import Retry

/// A Kafka request the worker makes while it starts (a followed dimension's metadata and
/// watermarks), made in short attempts so that a stop is honoured within a second and an
/// unreachable cluster is reported in the configuration's terms: which servers, which key.
public struct StartupCall: Sendable {
    /// `kafka.bootstrap_servers`, for the message.
    public let bootstrapServers: String
    /// How long to keep trying before giving up.
    public let limit: Duration
    /// How long one attempt waits.
    public let attempt: Duration

    /// A call against `bootstrapServers`, trying for `limit` in attempts of `attempt`.
    public init(bootstrapServers: String, limit: Duration = .seconds(30), attempt: Duration = .seconds(1)) {
        self.bootstrapServers = bootstrapServers
        self.limit = limit
        self.attempt = attempt
    }

    /// The result of `request` (given each attempt's timeout), or nil once `shouldStop` says
    /// so. Transient failures (no broker reachable, a timeout, a leader moving) are tried again
    /// until `limit`; then, or on any other failure, throws `.kafka` naming the servers.
    func run<T>(_ what: String, shouldStop: () -> Bool, _ request: (Duration) throws -> T) throws -> T? {
        let end = ContinuousClock.now + limit
        // A refused connection fails an attempt at once: the pauses between attempts (full
        // jitter, at most half an attempt) keep the thread from spinning on librdkafka.
        let backoff = FullJitterBackoff(initialDelay: .milliseconds(50), maxDelay: attempt / 2)
        var retry = 0
        while true {
            if shouldStop() { return nil }
            do {
                return try request(attempt)
            } catch let error as KafkaError where error.isRetriable && ContinuousClock.now < end {
                retry += 1
                RetryPolicy.threadSleep(backoff.delay(forRetry: retry, unitRandom: Double.random(in: 0..<1)))
                continue
            } catch let error as KafkaError {
                throw RuntimeError(
                    .kafka, "cannot \(what) from Kafka at \(bootstrapServers) (kafka.bootstrap_servers)"
                        + (error.isRetriable ? " within \(limit)" : ""), underlying: error)
            }
        }
    }
}
