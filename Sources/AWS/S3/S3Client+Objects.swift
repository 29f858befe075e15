import Foundation

extension S3Client {
    /// Uploads `body` as `key` with one PutObject (S3 accepts up to 5 GiB this way), checksummed
    /// with SHA-256. The bytes must stay valid until the call returns.
    public func putObject(
        bucket: String, key: String, body: UnsafeRawBufferPointer, options: S3PutOptions = S3PutOptions()
    ) throws(AWSError) -> S3PutResult {
        let digest = try Digest.sha256(body)
        return try putObject(bucket: bucket, key: key, body: .memory(body), digest: digest, options: options)
    }

    /// Uploads `bytes` as `key` with one PutObject.
    public func putObject(bucket: String, key: String, bytes: [UInt8], options: S3PutOptions = S3PutOptions())
        throws(AWSError) -> S3PutResult
    {
        try bytes.withUnsafeBytes { buffer in
            Result { () throws(AWSError) in try putObject(bucket: bucket, key: key, body: buffer, options: options) }
        }.get()
    }

    /// PutObject with a known digest; a create-only put that finds the key already holding these
    /// exact bytes (its own earlier attempt whose response was lost) counts as a success.
    func putObject(bucket: String, key: String, body: RequestBody, digest: [UInt8], options: S3PutOptions)
        throws(AWSError) -> S3PutResult
    {
        let checksum = Base64.standard(digest)
        var request = S3Request(
            operation: "PutObject", method: "PUT", bucket: bucket, key: key,
            // The same bytes to the same key; a create-only repeat that finds them there succeeds.
            isIdempotent: true)
        request.payloadHash = Hex.encode(digest)
        applyObjectHeaders(&request.headers, options: options)
        if options.createOnly { request.headers.set("If-None-Match", "*") }
        request.headers.set("x-amz-sdk-checksum-algorithm", "SHA256")
        request.headers.set("x-amz-checksum-sha256", checksum)
        do throws(AWSError) {
            let response = try send(request, body: body)
            return S3PutResult(
                etag: Self.unquote(response.headers["ETag"] ?? ""), size: body.count,
                checksumSHA256: response.headers["x-amz-checksum-sha256"] ?? checksum)
        } catch where options.createOnly && error.code == .preconditionFailed {
            if let existing = try? headObject(bucket: bucket, key: key), existing.checksumSHA256 == checksum,
                existing.contentLength == body.count
            {
                return S3PutResult(etag: existing.etag, size: body.count, checksumSHA256: checksum)
            }
            throw error
        }
    }

    /// The headers every object-creating request carries: type, user metadata, SSE-KMS.
    func applyObjectHeaders(_ headers: inout HTTPHeaders, options: S3PutOptions) {
        if let contentType = options.contentType { headers.set("Content-Type", contentType) }
        for (name, value) in options.metadata.sorted(by: { $0.key < $1.key }) {
            headers.set("x-amz-meta-\(name.lowercased())", value)
        }
        if let kmsKey = configuration.sseKMSKeyID {
            headers.set("x-amz-server-side-encryption", "aws:kms")
            headers.set("x-amz-server-side-encryption-aws-kms-key-id", kmsKey)
        }
    }

    /// The object's metadata (HeadObject, with its stored checksum); `notFound` when absent.
    public func headObject(bucket: String, key: String) throws(AWSError) -> S3ObjectInfo {
        var request = S3Request(operation: "HeadObject", method: "HEAD", bucket: bucket, key: key, isIdempotent: true)
        request.headers.set("x-amz-checksum-mode", "ENABLED")
        return Self.objectInfo(key: key, try send(request))
    }

    /// Reads `key` (or `range` of it) into memory, up to `configuration.maxInMemoryObjectSize`
    /// bytes. A whole-object read is checked against the SHA-256 checksum S3 stored, when there
    /// is one.
    public func getObject(bucket: String, key: String, range: S3ByteRange? = nil) throws(AWSError) -> S3Object {
        let request = try getRequest(bucket: bucket, key: key, range: range)
        let response = try send(request, sink: .memory(limit: configuration.maxInMemoryObjectSize)) {
            (response) throws(AWSError) in
            guard range == nil, let expected = Self.wholeObjectChecksum(response) else { return }
            guard Base64.standard(try Digest.sha256(response.body)) == expected else {
                throw AWSError(.integrityMismatch, "GetObject s3://\(bucket)/\(key) returned bytes whose SHA-256 does not match the stored checksum")
            }
        }
        return S3Object(info: Self.objectInfo(key: key, response), bytes: response.body)
    }

    func getRequest(bucket: String, key: String, range: S3ByteRange?) throws(AWSError) -> S3Request {
        var request = S3Request(operation: "GetObject", method: "GET", bucket: bucket, key: key, isIdempotent: true)
        if let range {
            guard range.isValid else { throw AWSError(.invalidArgument, "the byte range \(range.headerValue) is out of order") }
            request.headers.set("Range", range.headerValue)
        } else {
            request.headers.set("x-amz-checksum-mode", "ENABLED")
        }
        return request
    }

    /// Copies an object within S3 (up to 5 GiB) without downloading it.
    ///
    /// CopyObject may answer 200 and still fail, with the error in the body (S3 API reference);
    /// that error is classified and retried inside the retry loop like any other.
    public func copyObject(fromBucket: String, fromKey: String, toBucket: String, toKey: String) throws(AWSError) -> S3PutResult {
        var request = S3Request(
            operation: "CopyObject", method: "PUT", bucket: toBucket, key: toKey,
            // The same source copied to the same key again leaves the same object.
            isIdempotent: true)
        request.headers.set("x-amz-copy-source", Self.copySource(bucket: fromBucket, key: fromKey))
        if let kmsKey = configuration.sseKMSKeyID {
            request.headers.set("x-amz-server-side-encryption", "aws:kms")
            request.headers.set("x-amz-server-side-encryption-aws-kms-key-id", kmsKey)
        }
        var etag: String?
        _ = try send(request) { (response) throws(AWSError) in
            etag = try Self.parseResultBody(response, operation: request.description).text(of: "ETag")
        }
        let head = try headObject(bucket: toBucket, key: toKey)
        return S3PutResult(etag: Self.unquote(etag ?? head.etag), size: head.objectSize, checksumSHA256: head.checksumSHA256)
    }

    /// Creates a bucket in the configured region (for tests and tooling; production buckets
    /// are made by infrastructure code).
    public func createBucket(_ bucket: String) throws(AWSError) {
        var request = S3Request(
            operation: "CreateBucket", method: "PUT", bucket: bucket,
            // A repeat finds the bucket already ours (BucketAlreadyOwnedByYou outside us-east-1).
            isIdempotent: true)
        var body: [UInt8] = []
        if configuration.region != "us-east-1" {
            body = Array("<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><LocationConstraint>\(XMLEscaping.escape(configuration.region))</LocationConstraint></CreateBucketConfiguration>".utf8)
        }
        request.payloadHash = Hex.encode(try Digest.sha256(body))
        do {
            _ = try body.withUnsafeBytes { buffer in
                Result { () throws(AWSError) in try send(request, body: buffer.isEmpty ? .empty : .memory(buffer)) }
            }.get()
        } catch where error.serviceCode == "BucketAlreadyOwnedByYou" {
            // The bucket is ours: a repeat after a lost answer, or a bucket made earlier.
        }
    }

    /// A presigned GET URL for `key`, valid for `expires` seconds (1 s to 7 days), signed with
    /// the current credentials (a URL made with temporary credentials dies with them).
    public func presignedGetURL(bucket: String, key: String, expires: Int = 3600) throws(AWSError) -> String {
        let request = S3Request(operation: "GetObject", method: "GET", bucket: bucket, key: key, isIdempotent: true)
        let target = try address(request)
        var signable = SignableRequest(method: "GET", path: target.path, headers: ["Host": target.host])
        try signer.presign(&signable, payloadHash: SigV4Signer.unsignedPayload, expires: expires,
            credentials: try credentials.require(), date: now())
        return target.origin + signable.pathAndQuery
    }

    /// `bucket/encoded-key`, the `x-amz-copy-source` value (as botocore writes it).
    static func copySource(bucket: String, key: String) -> String {
        "\(bucket)/\(URIEncoding.encode(key, keepSlash: true))"
    }

    // MARK: Response parsing

    static func unquote(_ etag: String) -> String {
        etag.count >= 2 && etag.hasPrefix("\"") && etag.hasSuffix("\"") ? String(etag.dropFirst().dropLast()) : etag
    }

    /// The stored SHA-256 of the whole object, when the response has one that can be checked
    /// against the bytes: not a multipart object's checksum of part checksums (`COMPOSITE`,
    /// written `value-N`).
    static func wholeObjectChecksum(_ response: HTTPResponse) -> String? {
        guard let checksum = response.headers["x-amz-checksum-sha256"], !checksum.contains("-"),
            response.headers["x-amz-checksum-type"]?.uppercased() != "COMPOSITE"
        else { return nil }
        return checksum
    }

    static func objectInfo(key: String, _ response: HTTPResponse) -> S3ObjectInfo {
        let headers = response.headers
        let length = headers["Content-Length"].flatMap { Int64($0) } ?? response.bodyBytes
        // `Content-Range: bytes 0-99/1234` gives the whole object's size on a ranged read.
        let total = headers["Content-Range"].flatMap { $0.split(separator: "/").last }.flatMap { Int64($0) } ?? length
        var metadata: [String: String] = [:]
        for field in headers where field.name.lowercased().hasPrefix("x-amz-meta-") {
            metadata[String(field.name.lowercased().dropFirst("x-amz-meta-".count))] = field.value
        }
        return S3ObjectInfo(
            key: key, contentLength: length, objectSize: total, etag: unquote(headers["ETag"] ?? ""),
            lastModified: headers["Last-Modified"].flatMap(UTCTime.parseHTTPDate),
            contentType: headers["Content-Type"], checksumSHA256: headers["x-amz-checksum-sha256"], metadata: metadata)
    }

    static func parseXML(_ response: HTTPResponse, operation: String) throws(AWSError) -> XMLElement {
        guard let root = XMLElement.parse(response.body) else {
            throw AWSError(.malformedResponse, "\(operation) returned a response body that is not XML", httpStatus: response.status)
        }
        return root
    }

    /// The XML body of a 2xx answer to an operation that may report failure in it
    /// (CompleteMultipartUpload, CopyObject): the result, or the `<Error>` thrown as the error
    /// S3 means (classified as if its status were 500, so `InternalError` and `SlowDown` are
    /// retried). For `send`'s `validate`, so the error is retried inside the loop.
    static func parseResultBody(_ response: HTTPResponse, operation: String) throws(AWSError) -> XMLElement {
        let root = try parseXML(response, operation: operation)
        guard root.name == "Error" else { return root }
        var failed = response
        failed.status = 500
        var error = ServiceErrors.error(failed, operation: operation)
        error.httpStatus = response.status
        error.message += " (reported in the body of an HTTP \(response.status) answer)"
        throw error
    }
}
