/// One retry about to happen: reported to the `onRetry` observer before the loop sleeps, so a
/// client can count retries and throttles as typed events.
public struct RetryAttempt<Failure: Error>: Sendable where Failure: Sendable {
    /// Why the last attempt did not succeed.
    public enum Cause: Sendable {
        /// It threw this retriable error.
        case error(Failure)
        /// It returned a response the logic asked to retry, for this reason.
        case response(reason: String)
    }

    /// The attempt that just failed, counting from 1.
    public var attempt: Int
    /// How long the loop waits before the next attempt.
    public var delay: Duration
    /// What went wrong.
    public var cause: Cause
}
