import Foundation
import Retry

/// An S3 client over libcurl, signed with SigV4, retrying transient failures with full-jitter
/// backoff.
///
/// Every operation comes in two forms. The blocking form runs on the calling thread and is for
/// dedicated threads only (the engine's pipeline thread); the `async` form runs the same work on
/// the client's own worker threads, never on Swift's cooperative pool. Multipart parts are
/// uploaded on those worker threads too.
///
/// Integrity: every upload signs the SHA-256 of its body (`x-amz-content-sha256`) and sends it
/// again as `x-amz-checksum-sha256`, so S3 rejects a body corrupted in transit
/// (`XAmzContentSHA256Mismatch`, `BadDigest`) and stores the checksum with the object.
public final class S3Client: Sendable {
    /// The settings the client was made with.
    public let configuration: S3Configuration
    /// Where credentials come from.
    public let credentials: any CredentialsProvider
    /// Where events go.
    public let events: AWSEvents
    let http: HTTPClient
    /// Runs the blocking work of `async` calls.
    let pool: WorkerPool
    /// Uploads multipart parts. Separate from `pool` so a call waiting there for its parts can
    /// never starve the parts of threads.
    let partPool: WorkerPool
    let signer: SigV4Signer
    let now: @Sendable () -> Date

    /// A client; `credentials` defaults to the standard chain, cached.
    public convenience init(
        configuration: S3Configuration = S3Configuration(),
        credentials: (any CredentialsProvider)? = nil,
        events: AWSEvents = AWSEvents()
    ) throws(AWSError) {
        try self.init(configuration: configuration, credentials: credentials, events: events, now: { Date() })
    }

    /// A client with an injected clock (UTC), for tests that pin signing dates.
    init(
        configuration: S3Configuration, credentials: (any CredentialsProvider)?, events: AWSEvents,
        now: @escaping @Sendable () -> Date
    ) throws(AWSError) {
        try configuration.validate()
        self.configuration = configuration
        self.credentials = credentials ?? CachingCredentialsProvider.standard(events: events)
        self.events = events
        self.http = HTTPClient(configuration: configuration.http)
        self.pool = WorkerPool(threads: configuration.workerThreads, name: "millrace-s3")
        self.partPool = WorkerPool(threads: configuration.workerThreads, name: "millrace-s3-part")
        self.signer = SigV4Signer(service: "s3", region: configuration.region, options: .s3)
        self.now = now
    }

    deinit {
        pool.shutdown()
        partPool.shutdown()
    }

    /// Sends one S3 request with retries, signing each attempt afresh (new date, refreshed
    /// credentials), and returns the 2xx response; any other status is thrown as an `AWSError`.
    /// `validate` checks a 2xx response inside the attempt, so its retriable failures (a
    /// download that does not match its checksum, an error in a 200 body) are retried like any
    /// other.
    ///
    /// An idempotent request is retried after every transient failure. A non-idempotent one is
    /// retried only after failures that prove S3 did not act on it (`AWSRetryLogic`), unless the
    /// caller passes `onUnknownOutcome`: it then undertakes to undo what repeated sends did (see
    /// `createMultipartUpload`), the request is retried like an idempotent one, and
    /// `onUnknownOutcome` is called for every failed attempt S3 may have acted on, the last
    /// included.
    ///
    /// Expired temporary credentials (`ExpiredToken`) invalidate the cached ones and are retried
    /// once; credentials that are still refused after the refresh are final.
    func send(
        _ request: S3Request, body: RequestBody = .empty, sink: ResponseSink = .memory(limit: 16 << 20),
        validate: (HTTPResponse) throws(AWSError) -> Void = { _ in },
        onUnknownOutcome: (() -> Void)? = nil
    ) throws(AWSError) -> HTTPResponse {
        let target = try address(request)
        let clock = ContinuousClock()
        let start = clock.now
        var attempts = 0
        var last: HTTPResponse?
        var refreshedAfterExpiry = false
        let logic = AWSRetryLogic<HTTPResponse>(isIdempotent: request.isIdempotent || onUnknownOutcome != nil)
        do throws(AWSError) {
            let response = try configuration.retry.run(logic, onRetry: { retry in
                guard case .error(let error) = retry.cause else { return }
                if error.code == .credentialsExpired { credentials.invalidate() }
                events.emit(.requestRetried(.init(
                    service: "s3", operation: request.operation, attempt: retry.attempt, delay: retry.delay, errorCode: error.code,
                    status: error.httpStatus)))
            }) { (attempt: Int) throws(AWSError) -> HTTPResponse in
                attempts = attempt
                let credentials = try credentials.require()
                var signable = SignableRequest(method: request.method, path: target.path, query: request.query, headers: request.headers)
                signable.headers.set("Host", target.host)
                try signer.sign(&signable, payloadHash: request.payloadHash, credentials: credentials, date: now())
                do throws(AWSError) {
                    let response = try http.perform(
                        HTTPRequest(method: request.method, origin: target.origin, pathAndQuery: signable.pathAndQuery,
                            headers: signable.headers),
                        body: body, sink: sink)
                    last = response
                    guard response.isSuccess else {
                        var error = ServiceErrors.error(response, operation: request.description, accessKeyID: credentials.accessKeyID)
                        if error.code == .credentialsExpired {
                            if refreshedAfterExpiry {
                                error.isRetriable = false
                                error.message += "; the refreshed credentials were refused as expired too"
                            }
                            refreshedAfterExpiry = true
                        }
                        throw error
                    }
                    try validate(response)
                    return response
                } catch {
                    if error.code == .throttled {
                        events.emit(.throttled(.init(operation: request.operation, serviceCode: error.serviceCode)))
                    }
                    if !AWSRetryLogic<HTTPResponse>.refusedWithoutActing(error) { onUnknownOutcome?() }
                    throw error
                }
            }
            complete(request, attempts: attempts, response: response, since: start, clock: clock, error: nil)
            return response
        } catch {
            complete(request, attempts: attempts, response: last, since: start, clock: clock, error: error)
            throw error
        }
    }

    private func complete(
        _ request: S3Request, attempts: Int, response: HTTPResponse?, since start: ContinuousClock.Instant,
        clock: ContinuousClock, error: AWSError?
    ) {
        events.emit(.requestCompleted(.init(
            operation: request.operation, status: error.map { $0.httpStatus } ?? response?.status, attempts: attempts,
            bytesSent: response?.bytesSent ?? 0, bytesReceived: response?.bodyBytes ?? 0,
            duration: clock.now - start, errorCode: error?.code)))
    }

    /// Where a request goes: origin, `Host` header and encoded path, by the addressing style.
    func address(_ request: S3Request) throws(AWSError) -> (origin: String, host: String, path: String) {
        let endpoint = configuration.resolvedEndpoint
        var path = endpoint.basePath
        var host = endpoint.hostHeader
        var virtualHosted = false
        if let bucket = request.bucket {
            guard !bucket.isEmpty, !bucket.contains("/") else {
                throw AWSError(.invalidArgument, "\"\(bucket)\" is not a bucket name")
            }
            if configuration.addressing.usesPathStyle(
                bucket: bucket, endpoint: endpoint, isCustomEndpoint: configuration.endpoint != nil)
            {
                path += "/" + URIEncoding.encode(bucket)
            } else {
                host = bucket + "." + host
                virtualHosted = true
            }
        }
        if let key = request.key {
            guard !key.isEmpty, key.utf8.count <= 1024 else {
                throw AWSError(.invalidArgument, "an S3 key must be 1 to 1024 bytes of UTF-8, not \(key.utf8.count)")
            }
            path += "/" + URIEncoding.encode(key, keepSlash: true)
        } else if request.bucket == nil || virtualHosted {
            path += "/"  // the service root, or the bucket's root under its own host name
        }
        return ("\(endpoint.scheme)://\(host)", host, path)
    }
}

/// One S3 API call before signing: operation name, target, query, headers, payload hash, and
/// whether it may be sent again.
struct S3Request: Sendable, CustomStringConvertible {
    /// The S3 API operation, e.g. `PutObject`.
    var operation: String
    var method: String
    var bucket: String?
    var key: String?
    var query: [QueryParameter] = []
    var headers = HTTPHeaders()
    /// The hex SHA-256 of the body (the empty string's by default).
    var payloadHash = SigV4Signer.emptyPayloadHash
    /// True when sending the request twice has the effect of sending it once, so it may be
    /// retried after a failure whose outcome is unknown (see `S3Client.send`). Every operation
    /// states it.
    let isIdempotent: Bool

    init(operation: String, method: String, bucket: String? = nil, key: String? = nil, isIdempotent: Bool) {
        self.operation = operation
        self.method = method
        self.bucket = bucket
        self.key = key
        self.isIdempotent = isIdempotent
    }

    /// `PutObject s3://bucket/key`.
    var description: String {
        "\(operation) s3://\(bucket ?? "")\(key.map { "/\($0)" } ?? "")"
    }
}
