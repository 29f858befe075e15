public import AWS
import Engine
public import Staging

/// The staging store in S3: every key lives under `prefix` in `bucket`.
///
/// Retries, checksums and multipart streaming come from the AWS layer's `S3Client`; this type
/// only maps the store's operations onto it. Calls block the pipeline thread, as the engine
/// expects.
public struct S3StagingStore: StagingStore {
    /// The client (region, endpoint, credentials).
    public let client: S3Client
    /// The bucket.
    public let bucket: String
    /// Prefix before every key (empty, or ending in `/`).
    public let prefix: String
    /// Upload options (SSE-KMS key).
    public let options: S3PutOptions

    /// A store in `bucket` under `prefix`.
    public init(client: S3Client, bucket: String, prefix: String, options: S3PutOptions = S3PutOptions()) {
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.isEmpty || prefix.hasSuffix("/") ? prefix : prefix + "/"
        self.options = options
    }

    /// `s3://bucket/prefix`.
    public var location: String { "s3://\(bucket)/\(prefix)" }

    /// Uploads `data` to `prefix + key` with one PutObject, using `options`.
    public func put(_ key: String, data: [UInt8]) throws {
        _ = try client.putObject(bucket: bucket, key: prefix + key, bytes: data, options: options)
    }

    /// Uploads `data` to `prefix + key` with a conditional PutObject (`If-None-Match: *`): S3
    /// answers 412 Precondition Failed when the key exists, and of concurrent writers exactly
    /// one succeeds. A retry whose first attempt was stored counts as created (`S3Client`).
    public func create(_ key: String, data: [UInt8]) throws -> Bool {
        var createOnly = options
        createOnly.createOnly = true
        let outcome = Result { () throws(AWSError) in
            try client.putObject(bucket: bucket, key: prefix + key, bytes: data, options: createOnly)
        }
        switch outcome {
        case .success:
            return true
        case .failure(let error) where error.code == .preconditionFailed:
            return false
        case .failure(let error):
            throw error
        }
    }

    /// Starts a streamed upload to `prefix + key` (one PutObject when small, multipart otherwise).
    public func openWriter(_ key: String) throws -> any StagedObjectWriter {
        S3StagedObjectWriter(client.makeWriter(bucket: bucket, key: prefix + key, options: options))
    }

    /// Downloads `prefix + key`, or returns nil when S3 answers not-found.
    public func get(_ key: String) throws -> [UInt8]? {
        do {
            return try client.getObject(bucket: bucket, key: prefix + key).bytes
        } catch let error where error.code == .notFound {
            return nil
        }
    }

    /// Reads `count` bytes of `prefix + key` from `offset` with a ranged GET.
    public func read(_ key: String, offset: Int64, count: Int) throws -> [UInt8] {
        guard count > 0 else { return [] }
        let bytes = try client.getObject(bucket: bucket, key: prefix + key, range: S3ByteRange(first: offset, last: offset + Int64(count) - 1)).bytes
        guard bytes.count == count else {
            throw RuntimeError(.staging, "s3://\(bucket)/\(prefix)\(key) returned \(bytes.count) bytes at \(offset), not \(count)")
        }
        return bytes
    }

    /// Lists every page of objects under `prefix + listPrefix`, returning keys with the store's
    /// `prefix` stripped.
    public func list(prefix listPrefix: String) throws -> [StagedObject] {
        try client.listAllObjects(bucket: bucket, prefix: prefix + listPrefix).map {
            StagedObject(key: String($0.key.dropFirst(prefix.count)), size: $0.size)
        }
    }

    /// Deletes the prefixed keys with DeleteObjects (1000 per request); absent keys are fine, and
    /// the first key S3 refused is thrown.
    public func delete(_ keys: [String]) throws {
        guard !keys.isEmpty else { return }
        let result = try client.deleteObjects(bucket: bucket, keys: keys.map { prefix + $0 })
        if let failure = result.failures.first {
            throw RuntimeError(.staging, "S3 refused to delete \(failure.key): \(failure.code) \(failure.message)")
        }
    }
}

/// A staged object streamed to S3 (one PutObject when small, a multipart upload otherwise).
final class S3StagedObjectWriter: StagedObjectWriter {
    private let writer: S3ObjectWriter

    init(_ writer: S3ObjectWriter) {
        self.writer = writer
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        try writer.write(bytes)
    }

    func finish() throws -> Int64 {
        try writer.finish().size
    }

    func abort() {
        try? writer.abort()
    }
}
