public import Logging

/// The one place AWS events are logged and delivered: the S3 client, the credential cache and
/// the multipart writer all report here. Log lines carry operation names, codes, counts and
/// key names; never credentials, signatures or tokens. Counts, statuses and durations are logged
/// as numbers (`.stringConvertible`), so a JSON log handler can write them as JSON numbers.
public struct AWSEvents: Sendable {
    /// The logger events are written to. Default: label `millrace.aws`.
    public var logger: Logger
    /// Called with every event, on the thread that produced it; must be fast and thread-safe.
    /// Default: nil (events are only logged).
    public var handler: (@Sendable (AWSEvent) -> Void)?

    /// A sink; both arguments have the defaults their properties document.
    public init(logger: Logger = Logger(label: "millrace.aws"), handler: (@Sendable (AWSEvent) -> Void)? = nil) {
        self.logger = logger
        self.handler = handler
    }

    /// Logs `event` at a level fitting its kind and hands it to the handler.
    public func emit(_ event: AWSEvent) {
        switch event {
        case .requestCompleted(let e):
            let level: Logger.Level = e.errorCode == nil ? .debug : .warning
            logger.log(level: level, "request completed", metadata: [
                "operation": "\(e.operation)", "status": e.status.map { .stringConvertible($0) } ?? "none",
                "attempts": .stringConvertible(e.attempts), "bytes_sent": .stringConvertible(e.bytesSent),
                "bytes_received": .stringConvertible(e.bytesReceived), "duration": .stringConvertible(e.duration),
                "error": "\(e.errorCode.map { "\($0)" } ?? "none")",
            ])
        case .requestRetried(let e):
            logger.info("request retried", metadata: [
                "service": "\(e.service)", "operation": "\(e.operation)", "attempt": .stringConvertible(e.attempt),
                "delay": .stringConvertible(e.delay), "error": "\(e.errorCode)", "status": e.status.map { .stringConvertible($0) } ?? "none",
            ])
        case .throttled(let e):
            logger.info("request throttled", metadata: [
                "operation": "\(e.operation)", "service_code": "\(e.serviceCode ?? "none")",
            ])
        case .multipartUploadAborted(let e):
            logger.warning("multipart upload aborted", metadata: [
                "bucket": "\(e.bucket)", "key": "\(e.key)", "upload_id": "\(e.uploadID)",
                "parts_uploaded": .stringConvertible(e.partsUploaded), "reason": "\(e.reason)",
            ])
        case .credentialsRefreshed(let e):
            logger.info("credentials refreshed", metadata: [
                "provider": "\(e.provider)", "access_key_id": "\(e.accessKeyID)",
                "expiration": "\(e.expiration.map { "\($0)" } ?? "never")",
            ])
        case .credentialsRefreshFailed(let e):
            logger.warning("credential refresh failed", metadata: [
                "provider": "\(e.provider)", "error": "\(e.errorCode)",
                "keeps_cached_credentials": .stringConvertible(e.keepsCachedCredentials),
            ])
        }
        handler?(event)
    }
}
