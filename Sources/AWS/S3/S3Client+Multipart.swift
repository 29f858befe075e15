import Foundation

extension S3Client {
    /// Starts a multipart upload of `key` and returns its upload id. Parts carry SHA-256
    /// checksums (`x-amz-checksum-algorithm: SHA256`).
    ///
    /// CreateMultipartUpload is not idempotent: every request that reaches S3 starts another
    /// upload. It is still retried, and repeats are undone: when an attempt failed in a way that
    /// leaves unknown whether S3 started an upload (a reset, a timeout, a lost or truncated
    /// response, a 5xx), the in-progress uploads of exactly this key are listed once the create
    /// succeeds and every one but the returned upload is aborted; when the create fails for
    /// good, every in-progress upload of the key is aborted. This assumes no one else uploads
    /// the same key at the same time, which holds for Millrace (every staged file has a key of
    /// its own, with the batch's random id in it); a caller sharing keys must not rely on it.
    /// The cleanup is best effort against an S3 that keeps failing; the bucket's
    /// `AbortIncompleteMultipartUpload` lifecycle rule (in `deploy/`) is the backstop.
    public func createMultipartUpload(bucket: String, key: String, options: S3PutOptions = S3PutOptions())
        throws(AWSError) -> String
    {
        var request = S3Request(
            operation: "CreateMultipartUpload", method: "POST", bucket: bucket, key: key, isIdempotent: false)
        request.query = [QueryParameter("uploads")]
        applyObjectHeaders(&request.headers, options: options)
        request.headers.set("x-amz-checksum-algorithm", "SHA256")
        var repeated = false
        do throws(AWSError) {
            let response = try send(request, onUnknownOutcome: { repeated = true })
            guard let root = XMLElement.parse(response.body), let uploadID = root.text(of: "UploadId"), !uploadID.isEmpty else {
                repeated = true  // S3 started an upload whose id we cannot read
                throw AWSError(.malformedResponse, "\(request.description) returned no UploadId")
            }
            if repeated { try abortUnusedUploads(bucket: bucket, key: key, keeping: uploadID) }
            return uploadID
        } catch {
            if repeated { try? abortUnusedUploads(bucket: bucket, key: key, keeping: nil) }
            throw error
        }
    }

    /// Aborts every in-progress upload of exactly `key` but `keeping`: the uploads that repeated
    /// CreateMultipartUpload requests started (see `createMultipartUpload`).
    private func abortUnusedUploads(bucket: String, key: String, keeping: String?) throws(AWSError) {
        for upload in try listMultipartUploads(bucket: bucket, prefix: key)
        where upload.key == key && upload.uploadID != keeping {
            try abortMultipartUpload(bucket: bucket, key: key, uploadID: upload.uploadID)
            events.emit(.multipartUploadAborted(.init(
                bucket: bucket, key: key, uploadID: upload.uploadID, partsUploaded: 0,
                reason: "a CreateMultipartUpload sent again after an unknown outcome started it; it was never used")))
        }
    }

    /// Uploads part `partNumber` (1...10000) of an upload from `body`, whose SHA-256 is `digest`.
    func uploadPart(
        bucket: String, key: String, uploadID: String, partNumber: Int, body: RequestBody, digest: [UInt8]
    ) throws(AWSError) -> S3CompletedPart {
        guard (1...S3Configuration.maximumPartCount).contains(partNumber) else {
            throw AWSError(.invalidArgument, "part number \(partNumber) is outside 1...10000")
        }
        let checksum = Base64.standard(digest)
        var request = S3Request(operation: "UploadPart", method: "PUT", bucket: bucket, key: key, isIdempotent: true)
        request.query = [QueryParameter("partNumber", String(partNumber)), QueryParameter("uploadId", uploadID)]
        request.payloadHash = Hex.encode(digest)
        request.headers.set("x-amz-sdk-checksum-algorithm", "SHA256")
        request.headers.set("x-amz-checksum-sha256", checksum)
        let response = try send(request, body: body)
        guard let etag = response.headers["ETag"], !etag.isEmpty else {
            throw AWSError(.malformedResponse, "\(request.description) part \(partNumber) returned no ETag")
        }
        return S3CompletedPart(partNumber: partNumber, etag: Self.unquote(etag), checksumSHA256: checksum, size: body.count)
    }

    /// Completes an upload from its parts (any order; they are sorted by number). With
    /// `createOnly` the completion fails with `preconditionFailed` if the key already exists
    /// (`If-None-Match: *`).
    ///
    /// S3 may answer 200 and report the failure in the body (S3 API reference); that error is
    /// retried inside the retry loop like any other. A repeat of a completion S3 already carried
    /// out (its response was lost) may be answered `NoSuchUpload` (or, create-only,
    /// `PreconditionFailed`); the object is then checked with HeadObject against the ETag S3
    /// derives from the parts (MD5 of the part ETags, `-N`) and the size, and the completion
    /// counts as done when they match.
    public func completeMultipartUpload(
        bucket: String, key: String, uploadID: String, parts: [S3CompletedPart], createOnly: Bool = false
    ) throws(AWSError) -> S3PutResult
    {
        let sorted = parts.sorted { $0.partNumber < $1.partNumber }
        guard !sorted.isEmpty else { throw AWSError(.invalidArgument, "a multipart upload needs at least one part") }
        var xml = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        for part in sorted {
            xml += "<Part><PartNumber>\(part.partNumber)</PartNumber><ETag>\"\(XMLEscaping.escape(part.etag))\"</ETag>"
                + "<ChecksumSHA256>\(part.checksumSHA256)</ChecksumSHA256></Part>"
        }
        xml += "</CompleteMultipartUpload>"
        let body = Array(xml.utf8)
        var request = S3Request(
            operation: "CompleteMultipartUpload", method: "POST", bucket: bucket, key: key,
            // A repeat completes the same object, or finds it completed (reconciled below).
            isIdempotent: true)
        request.query = [QueryParameter("uploadId", uploadID)]
        request.headers.set("Content-Type", "application/xml")
        if createOnly { request.headers.set("If-None-Match", "*") }
        request.payloadHash = Hex.encode(try Digest.sha256(body))
        let size = sorted.reduce(Int64(0)) { $0 + $1.size }
        let expectedETag = try Self.multipartETag(sorted)
        do throws(AWSError) {
            var result: XMLElement?
            _ = try body.withUnsafeBytes { buffer in
                Result { () throws(AWSError) in
                    try send(request, body: .memory(buffer)) { (response) throws(AWSError) in
                        result = try Self.parseResultBody(response, operation: request.description)
                    }
                }
            }.get()
            return S3PutResult(
                etag: Self.unquote(result?.text(of: "ETag") ?? expectedETag), size: size,
                checksumSHA256: result?.text(of: "ChecksumSHA256"))
        } catch where error.code == .notFound && error.serviceCode == "NoSuchUpload" || error.code == .preconditionFailed {
            if !expectedETag.isEmpty, let head = try? headObject(bucket: bucket, key: key), head.etag == expectedETag,
                head.objectSize == size
            {
                return S3PutResult(etag: head.etag, size: size, checksumSHA256: head.checksumSHA256)
            }
            throw error
        }
    }

    /// Aborts an upload, freeing its parts. An upload that is already gone counts as aborted.
    public func abortMultipartUpload(bucket: String, key: String, uploadID: String) throws(AWSError) {
        var request = S3Request(
            operation: "AbortMultipartUpload", method: "DELETE", bucket: bucket, key: key,
            // A repeat finds the upload gone, which counts as aborted.
            isIdempotent: true)
        request.query = [QueryParameter("uploadId", uploadID)]
        do throws(AWSError) {
            _ = try send(request)
        } catch where error.code == .notFound {
            return
        }
    }

    /// The multipart uploads in progress under `prefix`, following the pages to the end.
    public func listMultipartUploads(bucket: String, prefix: String? = nil) throws(AWSError) -> [S3MultipartUploadSummary] {
        var uploads: [S3MultipartUploadSummary] = []
        var keyMarker: String?
        var uploadMarker: String?
        while true {
            var request = S3Request(operation: "ListMultipartUploads", method: "GET", bucket: bucket, isIdempotent: true)
            request.query = [QueryParameter("uploads")]
            if let prefix { request.query.append(QueryParameter("prefix", prefix)) }
            if let keyMarker { request.query.append(QueryParameter("key-marker", keyMarker)) }
            if let uploadMarker { request.query.append(QueryParameter("upload-id-marker", uploadMarker)) }
            let root = try Self.parseXML(try send(request), operation: request.description)
            uploads += root.children("Upload").map { upload in
                S3MultipartUploadSummary(
                    key: upload.text(of: "Key") ?? "", uploadID: upload.text(of: "UploadId") ?? "",
                    initiated: upload.text(of: "Initiated").flatMap(UTCTime.parseISO8601))
            }
            guard root.text(of: "IsTruncated") == "true" else { return uploads }
            keyMarker = root.text(of: "NextKeyMarker")
            uploadMarker = root.text(of: "NextUploadIdMarker")
            guard keyMarker?.isEmpty == false else {
                throw AWSError(.malformedResponse, "\(request.description) is truncated but has no NextKeyMarker")
            }
        }
    }

    /// The ETag S3 gives a multipart object: MD5 of the concatenated binary part ETags, `-N`.
    static func multipartETag(_ parts: [S3CompletedPart]) throws(AWSError) -> String {
        var concatenated: [UInt8] = []
        for part in parts {
            let hex = Array(part.etag.utf8)
            guard hex.count == 32 else { return "" }  // not an MD5 ETag (e.g. SSE-C): unknowable
            for index in stride(from: 0, to: 32, by: 2) {
                guard let high = hexNibble(hex[index]), let low = hexNibble(hex[index + 1]) else { return "" }
                concatenated.append(high << 4 | low)
            }
        }
        let md5 = try concatenated.withUnsafeBytes { buffer in Result { () throws(AWSError) in try Digest.md5(buffer) } }.get()
        return Hex.encode(md5) + "-\(parts.count)"
    }

    private static func hexNibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
