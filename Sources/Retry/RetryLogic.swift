/// Classifies the outcome of one attempt, so that a single retry loop (`RetryPolicy`) serves
/// every client: S3 today, the Kafka commit path and the warehouse later.
///
/// The split follows Vector's sinks (`src/sinks/util/retries.rs`): one predicate for errors, one
/// for responses that arrived but may still be transient. Implementations must be pure and cheap;
/// they run once per attempt and never sleep.
public protocol RetryLogic: Sendable {
    /// The error an attempt throws.
    associatedtype Failure: Error
    /// The value an attempt returns.
    associatedtype Response

    /// True when `error` is transient and the same request may be sent again.
    ///
    /// Only idempotent requests may be retried: a logic instance for a non-idempotent request
    /// returns false for every error that may have reached the server.
    func isRetriable(_ error: Failure) -> Bool

    /// Decides whether a response that did not throw is final.
    func shouldRetry(_ response: Response) -> RetryAction
}

extension RetryLogic {
    /// Most clients turn every bad response into a thrown error, so responses are final.
    public func shouldRetry(_ response: Response) -> RetryAction { .successful }
}
