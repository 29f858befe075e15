import Retry

/// The retry classification every AWS client of ours shares: an error is retried when it is
/// transient (`AWSError.isRetriable`: 5xx, throttling, resets, timeouts, truncated responses,
/// bad digests, expired temporary credentials) and either the request is idempotent or the
/// service answered with an error status, which proves it did not act on the request.
/// Authentication and other 4xx errors are never retried.
struct AWSRetryLogic<Response>: RetryLogic {
    typealias Failure = AWSError

    /// True when sending the request twice has the effect of sending it once.
    let isIdempotent: Bool

    func isRetriable(_ error: AWSError) -> Bool {
        guard error.isRetriable else { return false }
        return isIdempotent || error.httpStatus != nil
    }
}
