public import Retry

/// Everything the S3 client needs besides credentials. Every field has a default; build one
/// from the standard AWS environment with `S3Configuration(environment:)`.
public struct S3Configuration: Sendable {
    /// The smallest part S3 accepts, except the last (S3 API reference, UploadPart): 5 MiB.
    public static let minimumPartSize = 5 * 1024 * 1024
    /// The largest part S3 accepts: 5 GiB.
    public static let maximumPartSize = 5 * 1024 * 1024 * 1024
    /// The most parts one upload may have.
    public static let maximumPartCount = 10_000

    /// The region requests are signed for. Default: `us-east-1`.
    public var region: String
    /// A custom endpoint (MinIO, moto, a VPC endpoint); nil for `https://s3.<region>.amazonaws.com`.
    /// Default: nil.
    public var endpoint: Endpoint?
    /// Path-style or virtual-hosted-style bucket addressing. Default: `.automatic`.
    public var addressing: S3Addressing
    /// A KMS key id or ARN: objects are written with SSE-KMS under this key; nil leaves the
    /// bucket's default encryption in charge. Default: nil.
    public var sseKMSKeyID: String?
    /// Timeouts, TLS and connection reuse. Default: `HTTPClientConfiguration()`.
    public var http: HTTPClientConfiguration
    /// Retries of transient failures (5xx, throttling, resets, timeouts). Default: 6 attempts,
    /// full jitter from 100 ms up to 20 s.
    public var retry: RetryPolicy
    /// The part size of multipart uploads, in bytes, 5 MiB to 5 GiB; objects smaller than one
    /// part are sent with a single PutObject. Default: 8 MiB.
    public var partSize: Int
    /// Parts one writer may have uploading at once; `write` blocks beyond that, so a writer
    /// holds at most `(maxPartsInFlight + 1) × partSize` bytes. Default: 4.
    public var maxPartsInFlight: Int
    /// Threads that run blocking transfers for async calls and multipart parts. Default: 8.
    public var workerThreads: Int
    /// The largest response body `getObject` keeps in memory; bigger objects must be streamed
    /// to a file. Default: 256 MiB.
    public var maxInMemoryObjectSize: Int

    /// A configuration; every argument has the default its property documents.
    public init(
        region: String = "us-east-1",
        endpoint: Endpoint? = nil,
        addressing: S3Addressing = .automatic,
        sseKMSKeyID: String? = nil,
        http: HTTPClientConfiguration = HTTPClientConfiguration(),
        retry: RetryPolicy = RetryPolicy(maxAttempts: 6),
        partSize: Int = 8 * 1024 * 1024,
        maxPartsInFlight: Int = 4,
        workerThreads: Int = 8,
        maxInMemoryObjectSize: Int = 256 * 1024 * 1024
    ) {
        self.region = region
        self.endpoint = endpoint
        self.addressing = addressing
        self.sseKMSKeyID = sseKMSKeyID
        self.http = http
        self.retry = retry
        self.partSize = partSize
        self.maxPartsInFlight = maxPartsInFlight
        self.workerThreads = workerThreads
        self.maxInMemoryObjectSize = maxInMemoryObjectSize
    }

    /// The defaults, overridden by the standard AWS settings: region (`AWS_REGION`,
    /// `AWS_DEFAULT_REGION`, profile `region`), endpoint (`AWS_ENDPOINT_URL_S3`,
    /// `AWS_ENDPOINT_URL`, profile `endpoint_url`), the profile's `s3.addressing_style`, and
    /// `AWS_CA_BUNDLE`.
    public init(environment: AWSEnvironment) throws(AWSError) {
        self.init()
        if let region = environment.region { self.region = region }
        if let url = environment.endpointURL(service: "s3") {
            guard let endpoint = Endpoint(url) else {
                throw AWSError(.invalidConfiguration, "the S3 endpoint \(url) is not an http(s) URL")
            }
            self.endpoint = endpoint
        }
        if let style = environment.profileValue("s3.addressing_style") {
            guard let addressing = S3Addressing(configValue: style) else {
                throw AWSError(.invalidConfiguration, "s3.addressing_style must be auto, path or virtual, not \(style)")
            }
            self.addressing = addressing
        }
        if let bundle = environment["AWS_CA_BUNDLE"] { http.caBundlePath = bundle }
    }

    /// Checks the sizes and counts; the client calls it on creation.
    public func validate() throws(AWSError) {
        guard (Self.minimumPartSize...Self.maximumPartSize).contains(partSize) else {
            throw AWSError(.invalidConfiguration, "partSize must be 5 MiB to 5 GiB, not \(partSize) bytes")
        }
        guard maxPartsInFlight >= 1, workerThreads >= 1 else {
            throw AWSError(.invalidConfiguration, "maxPartsInFlight and workerThreads must be at least 1")
        }
        guard !region.isEmpty else { throw AWSError(.invalidConfiguration, "the S3 region is empty") }
        guard maxInMemoryObjectSize >= 0 else {
            throw AWSError(.invalidConfiguration, "maxInMemoryObjectSize must not be negative")
        }
    }

    /// The endpoint requests go to: the custom one, or the region's AWS endpoint.
    var resolvedEndpoint: Endpoint {
        endpoint ?? Endpoint(scheme: "https", host: "s3.\(region).amazonaws.com")
    }
}
