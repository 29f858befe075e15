@testable import AWS
import Foundation
import Logging
import MillraceTesting
import Retry
import Synchronization
import Testing

/// Shared set-up for the tests that talk to moto (SigV4 enforced) through the real client.
enum S3TestSupport {
    /// The moto server's credentials.
    static func credentials(_ servers: TestServers) -> AWSCredentials {
        AWSCredentials(accessKeyID: servers.accessKeyID, secretAccessKey: servers.secretAccessKey)
    }

    /// A configuration for moto (or a proxy in front of it): path style, the test region,
    /// 5 MiB parts, quick retries.
    static func configuration(endpoint: String, servers: TestServers, attempts: Int = 6) -> S3Configuration {
        S3Configuration(
            region: servers.region, endpoint: Endpoint(endpoint), addressing: .pathStyle,
            http: HTTPClientConfiguration(connectTimeout: .seconds(2), requestTimeout: .seconds(60), stallTimeout: .seconds(2)),
            retry: RetryPolicy(maxAttempts: attempts, backoff: FullJitterBackoff(initialDelay: .milliseconds(20), maxDelay: .milliseconds(200))),
            partSize: S3Configuration.minimumPartSize, maxPartsInFlight: 3, workerThreads: 4)
    }

    /// A client for moto, with events recorded.
    static func client(
        _ servers: TestServers, endpoint: String? = nil, attempts: Int = 6, recorder: EventRecorder? = nil,
        credentials: AWSCredentials? = nil, logger: Logger = S3TestSupport.quietLogger
    ) throws -> S3Client {
        var events = AWSEvents(logger: logger)
        if let recorder {
            events.handler = { event in recorder.record(event) }
        }
        return try S3Client(
            configuration: configuration(endpoint: endpoint ?? servers.s3Endpoint, servers: servers, attempts: attempts),
            credentials: StaticCredentialsProvider(credentials ?? Self.credentials(servers)), events: events)
    }

    /// A logger that stays silent below errors, so expected retries do not flood test output.
    static var quietLogger: Logger {
        var logger = Logger(label: "millrace.aws.test")
        logger.logLevel = .error
        return logger
    }

    /// Runs blocking work on a fresh thread (the client's blocking API and the writer are for
    /// dedicated threads, like the engine's pipeline thread) and awaits it, so the cooperative
    /// pool is never blocked.
    static func onThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }

    /// Waits (suspending, never blocking) until `condition` holds, checking every 100 ms, or
    /// fails after `timeout` saying what it waited for.
    static func eventually(
        _ what: String, timeout: Duration = .seconds(60), _ condition: @escaping @Sendable () async throws -> Bool
    ) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while try await !condition() {
            guard clock.now < deadline else {
                Issue.record("waited \(timeout) for \(what) in vain")
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// True for an UploadPart request (what a `FaultProxy` or stub should hold or fail).
    static func isUploadPart(_ request: HTTPStubMessage) -> Bool {
        request.method == "PUT" && request.target.contains("uploadId=")
    }

    /// True for a CreateMultipartUpload request.
    static func isCreateMultipartUpload(_ request: HTTPStubMessage) -> Bool {
        request.method == "POST" && request.target.contains("?uploads")
    }

    /// True for a CompleteMultipartUpload request.
    static func isCompleteMultipartUpload(_ request: HTTPStubMessage) -> Bool {
        request.method == "POST" && request.target.contains("uploadId=")
    }

    /// A new bucket with a unique name.
    static func bucket(_ client: S3Client, _ name: String = "t") throws -> String {
        let bucket = "millrace-\(name)-\(UUID().uuidString.prefix(8).lowercased())"
        try client.createBucket(bucket)
        return bucket
    }

    /// `count` deterministic pseudo-random bytes for `seed` (xorshift64), cheap for 50 MiB.
    static func bytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        var out = [UInt8](repeating: 0, count: count)
        out.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < count {
                state ^= state << 13
                state ^= state >> 7
                state ^= state << 17
                if offset + 8 <= count {
                    buffer.storeBytes(of: state, toByteOffset: offset, as: UInt64.self)
                } else {
                    withUnsafeBytes(of: state) { word in
                        for index in 0..<(count - offset) { buffer[offset + index] = word[index] }
                    }
                }
                offset += 8
            }
        }
        return out
    }
}

/// Collects events for assertions.
final class EventRecorder: Sendable {
    private let events = Mutex<[AWSEvent]>([])

    func record(_ event: AWSEvent) { events.withLock { $0.append(event) } }

    var all: [AWSEvent] { events.withLock { $0 } }

    var retries: [AWSEvent.RequestRetried] {
        all.compactMap { if case .requestRetried(let e) = $0 { e } else { nil } }
    }

    var completed: [AWSEvent.RequestCompleted] {
        all.compactMap { if case .requestCompleted(let e) = $0 { e } else { nil } }
    }

    var aborted: [AWSEvent.MultipartUploadAborted] {
        all.compactMap { if case .multipartUploadAborted(let e) = $0 { e } else { nil } }
    }

    var throttles: [AWSEvent.Throttled] {
        all.compactMap { if case .throttled(let e) = $0 { e } else { nil } }
    }
}

extension S3TestSupport {
    /// Temporary credentials from moto's STS AssumeRole (boto3 signs the call with the test
    /// user's key), for tests that need a real session token.
    static func assumedRoleCredentials(_ servers: TestServers) async throws -> AWSCredentials {
        let script = """
            import json, sys, uuid, boto3
            endpoint, key, secret, region = sys.argv[1:5]
            kwargs = dict(endpoint_url=endpoint, region_name=region, aws_access_key_id=key, aws_secret_access_key=secret)
            iam, sts = boto3.client("iam", **kwargs), boto3.client("sts", **kwargs)
            name = "millrace-" + uuid.uuid4().hex[:8]
            trust = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}'
            role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust)["Role"]
            iam.put_role_policy(RoleName=name, PolicyName="all",
                PolicyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}')
            c = sts.assume_role(RoleArn=role["Arn"], RoleSessionName="test")["Credentials"]
            print(json.dumps([c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"]]))
            """
        let output = try await Subprocess.python(
            script, arguments: [servers.s3Endpoint, servers.accessKeyID, servers.secretAccessKey, servers.region])
        let parts = try JSONDecoder().decode([String].self, from: Data(output.utf8))
        try #require(parts.count == 3)
        return AWSCredentials(accessKeyID: parts[0], secretAccessKey: parts[1], sessionToken: parts[2])
    }
}
