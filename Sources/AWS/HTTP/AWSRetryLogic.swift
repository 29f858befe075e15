import Retry

/// The retry classification every AWS client of ours shares.
///
/// An error is retried when it is transient (`AWSError.isRetriable`) and either the request is
/// idempotent, or the service answered in a way that proves it did not act on the request
/// (`refusedWithoutActing`). A non-idempotent request is therefore never sent again after a
/// connection failure, a timeout, a truncated response or a 5xx, whose outcome is unknown.
///
/// Transient (`AWSError.isRetriable`, set by `ServiceErrors` and `CurlErrors`):
/// - HTTP 500, 502, 504 and `InternalError` (`serverError`); 503, `SlowDown`, 429 and the
///   throttling codes (`throttled`);
/// - connection refused or reset, send/receive errors (`connectionFailed`); connect and total
///   timeouts and stalls (`timeout`); truncated or unparsable responses (`malformedResponse`);
///   downloads that do not match their checksum (`integrityMismatch`);
/// - four 4xx answers that describe a transient condition, not a wrong request: 400
///   `RequestTimeout` (S3 gave up waiting for the body), 400 `BadDigest` and
///   `XAmzContentSHA256Mismatch` (the body was corrupted on the way), 409
///   `ConditionalRequestConflict` and `OperationAborted` (a concurrent request won), and 400
///   `ExpiredToken` (retried once, after the credentials are refreshed; see `S3Client.send`).
///
/// Every other 4xx is final and surfaces at once: authentication failures
/// (`SignatureDoesNotMatch`, `InvalidAccessKeyId`, `InvalidToken`, clock skew), access denied,
/// not found, failed preconditions, wrong region, and any 4xx without a known transient code.
struct AWSRetryLogic<Response>: RetryLogic {
    typealias Failure = AWSError

    /// True when sending the request twice has the effect of sending it once.
    let isIdempotent: Bool

    func isRetriable(_ error: AWSError) -> Bool {
        guard error.isRetriable else { return false }
        return isIdempotent || Self.refusedWithoutActing(error)
    }

    /// True when the service answered and its answer shows it refused the request without
    /// acting on it: a 4xx status (the request was rejected before it was carried out) or
    /// throttling (503 `SlowDown`, 429). A 5xx, or no answer at all, leaves the outcome unknown.
    static func refusedWithoutActing(_ error: AWSError) -> Bool {
        guard let status = error.httpStatus else { return false }
        return (400..<500).contains(status) || error.code == .throttled
    }
}
