public import Failures

/// The one error type of the AWS module: signing, credentials, HTTP and S3.
///
/// Callers branch on `code`, never on `message`. `isRetriable` says whether sending the same
/// request again may succeed; the client's retry loop has already honoured it by the time an
/// error reaches the caller. No secret (secret access key, session token, signature key) is ever
/// part of an error: messages are built from request coordinates and the service's own `Code` and
/// `Message` elements, never from the raw response body (S3's `SignatureDoesNotMatch` body echoes
/// the canonical request, which carries the session token).
public struct AWSError: MillraceError {
    /// What kind of failure this is (`ErrorCode<AWSError>`). Match on codes, never on messages.
    public typealias Code = ErrorCode<AWSError>

    /// What kind of failure this is.
    public var code: Code
    /// A sentence for humans saying what failed and, where known, what to do.
    public var message: String
    /// The lower-level error this one wraps, if any.
    public var underlying: (any Error & Sendable)?
    /// True when the same request may succeed if sent again.
    public var isRetriable: Bool
    /// The HTTP status, when a response arrived; otherwise nil.
    public var httpStatus: Int?
    /// The service's own error code (`SlowDown`, `NoSuchKey`), for logs; match `code` instead.
    public var serviceCode: String?
    /// The service's request id (`x-amz-request-id`), for support tickets.
    public var requestID: String?

    /// An error; `isRetriable` defaults to what the code usually implies.
    public init(
        _ code: Code,
        _ message: String,
        underlying: (any Error & Sendable)? = nil,
        isRetriable: Bool? = nil,
        httpStatus: Int? = nil,
        serviceCode: String? = nil,
        requestID: String? = nil
    ) {
        self.code = code
        self.message = message
        self.underlying = underlying
        self.isRetriable = isRetriable ?? Self.retriableByDefault.contains(code)
        self.httpStatus = httpStatus
        self.serviceCode = serviceCode
        self.requestID = requestID
    }

    private static let retriableByDefault: Set<Code> = [
        .credentialsExpired, .conflict, .throttled, .serverError, .badDigest, .timeout, .connectionFailed,
        .malformedResponse, .integrityMismatch,
    ]

    /// The shared form (`code: message (caused by: …)`) with the service's details after the
    /// message: `[HTTP status, service code, request id]`.
    public var description: String {
        var details: [String] = []
        if let httpStatus { details.append("HTTP \(httpStatus)") }
        if let serviceCode { details.append(serviceCode) }
        if let requestID { details.append("request id \(requestID)") }
        var text = "\(code): \(explanation)"
        if !details.isEmpty { text += " [\(details.joined(separator: ", "))]" }
        return text
    }
}

extension ErrorCode where Layer == AWSError {
    /// A setting is missing or invalid (region, endpoint, part size, profile).
    public static let invalidConfiguration = Self("invalidConfiguration")
    /// An argument cannot be sent as given (empty key, range out of order, too many keys).
    public static let invalidArgument = Self("invalidArgument")
    /// No provider in the chain produced credentials, or a configured provider failed.
    public static let credentialsUnavailable = Self("credentialsUnavailable")
    /// The service rejected the signature or access key (`SignatureDoesNotMatch`,
    /// `InvalidAccessKeyId`, `InvalidToken`, HTTP 401). Never retried: a wrong secret stays wrong.
    public static let authenticationFailed = Self("authenticationFailed")
    /// Temporary credentials expired (`ExpiredToken`): the client refreshes them and retries
    /// once; credentials still refused as expired after that are final.
    public static let credentialsExpired = Self("credentialsExpired")
    /// The caller is authenticated but not allowed (`AccessDenied`, HTTP 403).
    public static let accessDenied = Self("accessDenied")
    /// The bucket, key or upload does not exist (`NoSuchKey`, `NoSuchBucket`, `NoSuchUpload`, 404).
    public static let notFound = Self("notFound")
    /// A condition failed (HTTP 412), e.g. a create-only put found the key already there.
    public static let preconditionFailed = Self("preconditionFailed")
    /// A concurrent conflicting request (HTTP 409 `ConditionalRequestConflict`,
    /// `OperationAborted`); retried. Other 409s (`BucketAlreadyExists`, `BucketNotEmpty`) are
    /// `requestFailed`.
    public static let conflict = Self("conflict")
    /// The service asked us to slow down (503 `SlowDown`, 429, `RequestLimitExceeded`).
    public static let throttled = Self("throttled")
    /// The service failed (HTTP 500, 502, 504, `InternalError`).
    public static let serverError = Self("serverError")
    /// The body did not match its checksum (`BadDigest`, `XAmzContentSHA256Mismatch`): it was
    /// corrupted on the way, and is sent again.
    public static let badDigest = Self("badDigest")
    /// Any other 4xx rejection (`InvalidArgument`, `InvalidDigest`, `BucketAlreadyExists`,
    /// a 4xx without a known code); final.
    public static let requestFailed = Self("requestFailed")
    /// The request exceeded its connect or total timeout, or stalled below the low-speed
    /// limit; or S3 timed out waiting for the body (400 `RequestTimeout`).
    public static let timeout = Self("timeout")
    /// The connection could not be made or broke (refused, reset, DNS, send/receive errors).
    public static let connectionFailed = Self("connectionFailed")
    /// TLS failed in a way retrying cannot fix (certificate verification, handshake rejected).
    public static let tlsFailure = Self("tlsFailure")
    /// The response was cut short or could not be parsed.
    public static let malformedResponse = Self("malformedResponse")
    /// A local file could not be read or written.
    public static let io = Self("io")
    /// Downloaded bytes did not match the length or checksum the service announced.
    public static let integrityMismatch = Self("integrityMismatch")
    /// The operation was aborted, or an object was used after it finished.
    public static let cancelled = Self("cancelled")
}
