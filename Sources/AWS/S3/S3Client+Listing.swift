import Foundation

extension S3Client {
    /// One page of ListObjectsV2: up to `maxKeys` (1...1000) objects under `prefix`, after
    /// `continuationToken` (from the previous page) or `startAfter`.
    public func listObjectsV2(
        bucket: String, prefix: String? = nil, delimiter: String? = nil, continuationToken: String? = nil,
        startAfter: String? = nil, maxKeys: Int = 1000
    ) throws(AWSError) -> S3ListPage {
        guard (1...1000).contains(maxKeys) else { throw AWSError(.invalidArgument, "maxKeys must be 1...1000, not \(maxKeys)") }
        var request = S3Request(operation: "ListObjectsV2", method: "GET", bucket: bucket, isIdempotent: true)
        request.query = [QueryParameter("list-type", "2"), QueryParameter("max-keys", String(maxKeys))]
        if let prefix { request.query.append(QueryParameter("prefix", prefix)) }
        if let delimiter { request.query.append(QueryParameter("delimiter", delimiter)) }
        if let continuationToken { request.query.append(QueryParameter("continuation-token", continuationToken)) }
        if let startAfter { request.query.append(QueryParameter("start-after", startAfter)) }
        let root = try Self.parseXML(try send(request), operation: request.description)
        let objects = root.children("Contents").map { entry in
            S3ObjectSummary(
                key: entry.text(of: "Key") ?? "", size: Int64(entry.text(of: "Size") ?? "") ?? 0,
                etag: Self.unquote(entry.text(of: "ETag") ?? ""),
                lastModified: entry.text(of: "LastModified").flatMap(UTCTime.parseISO8601))
        }
        let prefixes = root.children("CommonPrefixes").compactMap { $0.text(of: "Prefix") }
        let truncated = root.text(of: "IsTruncated") == "true"
        let token = truncated ? root.text(of: "NextContinuationToken") : nil
        if truncated && token == nil {
            throw AWSError(.malformedResponse, "\(request.description) is truncated but has no NextContinuationToken")
        }
        return S3ListPage(objects: objects, commonPrefixes: prefixes, nextContinuationToken: token)
    }

    /// Every object under `prefix`, following the pages to the end.
    public func listAllObjects(bucket: String, prefix: String? = nil) throws(AWSError) -> [S3ObjectSummary] {
        var all: [S3ObjectSummary] = []
        var token: String?
        repeat {
            let page = try listObjectsV2(bucket: bucket, prefix: prefix, continuationToken: token)
            all += page.objects
            token = page.nextContinuationToken
        } while token != nil
        return all
    }

    /// Deletes `keys` with DeleteObjects, 1000 per request. Keys that were already absent count
    /// as deleted; keys S3 refused are listed in `failures`.
    public func deleteObjects(bucket: String, keys: [String]) throws(AWSError) -> S3DeleteResult {
        var result = S3DeleteResult(deleted: [], failures: [])
        var start = 0
        while start < keys.count {
            let batch = keys[start..<min(start + 1000, keys.count)]
            start += batch.count
            var xml = "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Quiet>false</Quiet>"
            for key in batch { xml += "<Object><Key>\(XMLEscaping.escape(key))</Key></Object>" }
            xml += "</Delete>"
            let body = Array(xml.utf8)
            var request = S3Request(
                operation: "DeleteObjects", method: "POST", bucket: bucket,
                // Deleting the same keys again finds them absent, which counts as deleted.
                isIdempotent: true)
            request.query = [QueryParameter("delete")]
            request.headers.set("Content-Type", "application/xml")
            // DeleteObjects requires Content-MD5 (or a checksum header) in the S3 API.
            let response = try body.withUnsafeBytes { buffer in
                Result { () throws(AWSError) -> HTTPResponse in
                    request.payloadHash = Hex.encode(try Digest.sha256(buffer))
                    request.headers.set("Content-MD5", Base64.standard(try Digest.md5(buffer)))
                    return try send(request, body: .memory(buffer))
                }
            }.get()
            let root = try Self.parseXML(response, operation: request.description)
            result.deleted += root.children("Deleted").compactMap { $0.text(of: "Key") }
            result.failures += root.children("Error").map { entry in
                S3DeleteResult.Failure(
                    key: entry.text(of: "Key") ?? "", code: entry.text(of: "Code") ?? "", message: entry.text(of: "Message") ?? "")
            }
        }
        return result
    }
}
