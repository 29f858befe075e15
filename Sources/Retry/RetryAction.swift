/// What a `RetryLogic` decides about a response that arrived without an error.
///
/// A response can still ask to be retried (a 503 read as a value rather than thrown), and a
/// retry may be declined for a reason worth reporting. The reasons are for humans and logs; code
/// that needs to branch inspects the response or error itself.
public enum RetryAction: Sendable, Equatable {
    /// The response is final and good: return it.
    case successful
    /// The response is transient: try again after the backoff delay, for `reason`.
    case retry(reason: String)
    /// The response is final though not good: return it without retrying, for `reason`.
    case dontRetry(reason: String)
}
