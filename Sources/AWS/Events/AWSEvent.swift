public import Foundation

/// Something the AWS layer did that metrics want to count. Every event goes through one
/// `AWSEvents` sink, which logs it and hands it to the application's handler.
public enum AWSEvent: Sendable {
    /// A request finished (successfully or not) after one or more attempts.
    case requestCompleted(RequestCompleted)
    /// A request failed transiently and will be sent again after a backoff delay.
    case requestRetried(RequestRetried)
    /// The service asked us to slow down (503 SlowDown, 429, throttling codes).
    case throttled(Throttled)
    /// An incomplete multipart upload was aborted, so S3 keeps no orphan parts.
    case multipartUploadAborted(MultipartUploadAborted)
    /// Temporary credentials were fetched or refreshed.
    case credentialsRefreshed(CredentialsRefreshed)
    /// A credential refresh failed.
    case credentialsRefreshFailed(CredentialsRefreshFailed)

    /// A finished request: what it was, how it ended and how many bytes it moved.
    public struct RequestCompleted: Sendable {
        /// The operation, e.g. `PutObject`, `UploadPart`.
        public var operation: String
        /// The final HTTP status, or nil when no response arrived.
        public var status: Int?
        /// Attempts made, the first included.
        public var attempts: Int
        /// Request body bytes sent by the final attempt.
        public var bytesSent: Int64
        /// Response body bytes received by the final attempt.
        public var bytesReceived: Int64
        /// Wall time of all attempts and backoff delays together.
        public var duration: Duration
        /// The error code when the request failed, nil when it succeeded.
        public var errorCode: AWSError.Code?
    }

    /// A retry about to happen.
    public struct RequestRetried: Sendable {
        /// The service: `s3` or `redshift-data`.
        public var service: String
        /// The operation being retried.
        public var operation: String
        /// The attempt that failed, counting from 1.
        public var attempt: Int
        /// The backoff delay before the next attempt.
        public var delay: Duration
        /// Why the attempt failed.
        public var errorCode: AWSError.Code
        /// The HTTP status of the failed attempt, if a response arrived.
        public var status: Int?
    }

    /// A throttling response.
    public struct Throttled: Sendable {
        /// The operation that was throttled.
        public var operation: String
        /// The service's error code (`SlowDown`, `RequestLimitExceeded`...), if any.
        public var serviceCode: String?
    }

    /// An aborted multipart upload.
    public struct MultipartUploadAborted: Sendable {
        /// The bucket.
        public var bucket: String
        /// The object key.
        public var key: String
        /// The upload id S3 assigned.
        public var uploadID: String
        /// Parts that had been uploaded when the upload was aborted.
        public var partsUploaded: Int
        /// Why it was aborted (the caller's reason or the failure that caused it).
        public var reason: String
    }

    /// Credentials obtained from a provider.
    public struct CredentialsRefreshed: Sendable {
        /// The provider that produced them (`environment`, `profile`, `web-identity`, `ecs`, `imds`).
        public var provider: String
        /// The access key id (not a secret).
        public var accessKeyID: String
        /// When they expire (UTC), nil for long-term keys.
        public var expiration: Date?
    }

    /// A failed credential refresh.
    public struct CredentialsRefreshFailed: Sendable {
        /// The provider that failed.
        public var provider: String
        /// Why it failed.
        public var errorCode: AWSError.Code
        /// True when the cached credentials are still valid and stay in use until they expire.
        public var keepsCachedCredentials: Bool
    }
}
