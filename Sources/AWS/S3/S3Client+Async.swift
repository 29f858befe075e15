/// The `async` forms: each runs its blocking counterpart on the client's worker threads, so
/// callers on Swift's cooperative pool never block it. Cancelling the calling task does not
/// interrupt a transfer already started.
extension S3Client {
    /// `putObject(bucket:key:bytes:options:)` on a worker thread.
    public func putObject(bucket: String, key: String, bytes: [UInt8], options: S3PutOptions = S3PutOptions())
        async throws(AWSError) -> S3PutResult
    {
        try await pool.run { () throws(AWSError) in try self.putObject(bucket: bucket, key: key, bytes: bytes, options: options) }
    }

    /// `putObject(bucket:key:file:options:)` on a worker thread.
    public func putObject(bucket: String, key: String, file path: String, options: S3PutOptions = S3PutOptions())
        async throws(AWSError) -> S3PutResult
    {
        try await pool.run { () throws(AWSError) in try self.putObject(bucket: bucket, key: key, file: path, options: options) }
    }

    /// `headObject(bucket:key:)` on a worker thread.
    public func headObject(bucket: String, key: String) async throws(AWSError) -> S3ObjectInfo {
        try await pool.run { () throws(AWSError) in try self.headObject(bucket: bucket, key: key) }
    }

    /// `getObject(bucket:key:range:)` on a worker thread.
    public func getObject(bucket: String, key: String, range: S3ByteRange? = nil) async throws(AWSError) -> S3Object {
        try await pool.run { () throws(AWSError) in try self.getObject(bucket: bucket, key: key, range: range) }
    }

    /// `getObject(bucket:key:range:toFile:)` on a worker thread.
    @discardableResult
    public func getObject(bucket: String, key: String, range: S3ByteRange? = nil, toFile path: String)
        async throws(AWSError) -> S3ObjectInfo
    {
        try await pool.run { () throws(AWSError) in try self.getObject(bucket: bucket, key: key, range: range, toFile: path) }
    }

    /// `copyObject(fromBucket:fromKey:toBucket:toKey:)` on a worker thread.
    public func copyObject(fromBucket: String, fromKey: String, toBucket: String, toKey: String)
        async throws(AWSError) -> S3PutResult
    {
        try await pool.run { () throws(AWSError) in
            try self.copyObject(fromBucket: fromBucket, fromKey: fromKey, toBucket: toBucket, toKey: toKey)
        }
    }

    /// `listObjectsV2(...)` on a worker thread.
    public func listObjectsV2(
        bucket: String, prefix: String? = nil, delimiter: String? = nil, continuationToken: String? = nil,
        startAfter: String? = nil, maxKeys: Int = 1000
    ) async throws(AWSError) -> S3ListPage {
        try await pool.run { () throws(AWSError) in
            try self.listObjectsV2(
                bucket: bucket, prefix: prefix, delimiter: delimiter, continuationToken: continuationToken,
                startAfter: startAfter, maxKeys: maxKeys)
        }
    }

    /// `listAllObjects(bucket:prefix:)` on a worker thread.
    public func listAllObjects(bucket: String, prefix: String? = nil) async throws(AWSError) -> [S3ObjectSummary] {
        try await pool.run { () throws(AWSError) in try self.listAllObjects(bucket: bucket, prefix: prefix) }
    }

    /// `deleteObjects(bucket:keys:)` on a worker thread.
    public func deleteObjects(bucket: String, keys: [String]) async throws(AWSError) -> S3DeleteResult {
        try await pool.run { () throws(AWSError) in try self.deleteObjects(bucket: bucket, keys: keys) }
    }

    /// `createBucket(_:)` on a worker thread.
    public func createBucket(_ bucket: String) async throws(AWSError) {
        try await pool.run { () throws(AWSError) in try self.createBucket(bucket) }
    }

    /// `listMultipartUploads(bucket:prefix:)` on a worker thread.
    public func listMultipartUploads(bucket: String, prefix: String? = nil) async throws(AWSError) -> [S3MultipartUploadSummary] {
        try await pool.run { () throws(AWSError) in try self.listMultipartUploads(bucket: bucket, prefix: prefix) }
    }

    /// `abortMultipartUpload(bucket:key:uploadID:)` on a worker thread.
    public func abortMultipartUpload(bucket: String, key: String, uploadID: String) async throws(AWSError) {
        try await pool.run { () throws(AWSError) in try self.abortMultipartUpload(bucket: bucket, key: key, uploadID: uploadID) }
    }
}
