/// The one error type of the AWS module: signing, credentials, HTTP and S3.
///
/// Callers branch on `code`, never on `message`. `isRetriable` says whether sending the same
/// request again may succeed; the client's retry loop has already honoured it by the time an
/// error reaches the caller. No secret (secret access key, session token, signature key) is ever
/// part of an error: messages are built from request coordinates and the service's own `Code` and
/// `Message` elements, never from the raw response body (S3's `SignatureDoesNotMatch` body echoes
/// the canonical request, which carries the session token).
public struct AWSError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is. Compare with the static members: `error.code == .throttled`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Sendable {
            case invalidConfiguration, invalidArgument, credentialsUnavailable, authenticationFailed
            case credentialsExpired, accessDenied, notFound, preconditionFailed, conflict, throttled
            case serverError, badDigest, requestFailed, timeout, connectionFailed, tlsFailure
            case malformedResponse, io, integrityMismatch, cancelled
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// A setting is missing or invalid (region, endpoint, part size, profile).
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// An argument cannot be sent as given (empty key, range out of order, too many keys).
        public static let invalidArgument = Code(.invalidArgument)
        /// No provider in the chain produced credentials, or a configured provider failed.
        public static let credentialsUnavailable = Code(.credentialsUnavailable)
        /// The service rejected the signature or access key (`SignatureDoesNotMatch`,
        /// `InvalidAccessKeyId`, `InvalidToken`, HTTP 401). Never retried: a wrong secret stays wrong.
        public static let authenticationFailed = Code(.authenticationFailed)
        /// Temporary credentials expired (`ExpiredToken`): the client refreshes them and retries
        /// once; credentials still refused as expired after that are final.
        public static let credentialsExpired = Code(.credentialsExpired)
        /// The caller is authenticated but not allowed (`AccessDenied`, HTTP 403).
        public static let accessDenied = Code(.accessDenied)
        /// The bucket, key or upload does not exist (`NoSuchKey`, `NoSuchBucket`, `NoSuchUpload`, 404).
        public static let notFound = Code(.notFound)
        /// A condition failed (HTTP 412), e.g. a create-only put found the key already there.
        public static let preconditionFailed = Code(.preconditionFailed)
        /// A concurrent conflicting request (HTTP 409 `ConditionalRequestConflict`,
        /// `OperationAborted`); retried. Other 409s (`BucketAlreadyExists`, `BucketNotEmpty`) are
        /// `requestFailed`.
        public static let conflict = Code(.conflict)
        /// The service asked us to slow down (503 `SlowDown`, 429, `RequestLimitExceeded`).
        public static let throttled = Code(.throttled)
        /// The service failed (HTTP 500, 502, 504, `InternalError`).
        public static let serverError = Code(.serverError)
        /// The body did not match its checksum (`BadDigest`, `XAmzContentSHA256Mismatch`): it was
        /// corrupted on the way, and is sent again.
        public static let badDigest = Code(.badDigest)
        /// Any other 4xx rejection (`InvalidArgument`, `InvalidDigest`, `BucketAlreadyExists`,
        /// a 4xx without a known code); final.
        public static let requestFailed = Code(.requestFailed)
        /// The request exceeded its connect or total timeout, or stalled below the low-speed
        /// limit; or S3 timed out waiting for the body (400 `RequestTimeout`).
        public static let timeout = Code(.timeout)
        /// The connection could not be made or broke (refused, reset, DNS, send/receive errors).
        public static let connectionFailed = Code(.connectionFailed)
        /// TLS failed in a way retrying cannot fix (certificate verification, handshake rejected).
        public static let tlsFailure = Code(.tlsFailure)
        /// The response was cut short or could not be parsed.
        public static let malformedResponse = Code(.malformedResponse)
        /// A local file could not be read or written.
        public static let io = Code(.io)
        /// Downloaded bytes did not match the length or checksum the service announced.
        public static let integrityMismatch = Code(.integrityMismatch)
        /// The operation was aborted, or an object was used after it finished.
        public static let cancelled = Code(.cancelled)

        /// The code's name, e.g. `throttled`.
        public var description: String { value.rawValue }
    }

    /// What kind of failure this is.
    public var code: Code
    /// A sentence for humans saying what failed and, where known, what to do.
    public var message: String
    /// The lower-level error this one wraps, if any.
    public var cause: (any Error & Sendable)?
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
        cause: (any Error & Sendable)? = nil,
        isRetriable: Bool? = nil,
        httpStatus: Int? = nil,
        serviceCode: String? = nil,
        requestID: String? = nil
    ) {
        self.code = code
        self.message = message
        self.cause = cause
        self.isRetriable = isRetriable ?? Self.retriableByDefault.contains(code)
        self.httpStatus = httpStatus
        self.serviceCode = serviceCode
        self.requestID = requestID
    }

    private static let retriableByDefault: Set<Code> = [
        .credentialsExpired, .conflict, .throttled, .serverError, .badDigest, .timeout, .connectionFailed,
        .malformedResponse, .integrityMismatch,
    ]

    /// `code: message [HTTP status, service code, request id] (cause)`.
    public var description: String {
        var details: [String] = []
        if let httpStatus { details.append("HTTP \(httpStatus)") }
        if let serviceCode { details.append(serviceCode) }
        if let requestID { details.append("request id \(requestID)") }
        var text = "\(code): \(message)"
        if !details.isEmpty { text += " [\(details.joined(separator: ", "))]" }
        if let cause { text += " (\(cause))" }
        return text
    }
}
