#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension S3Client {
    /// Uploads the file at `path` as `key`, streaming it from disk (memory stays bounded
    /// whatever its size). A file smaller than `partSize` goes in one PutObject; a larger one
    /// in parts read straight from the file, uploaded in parallel on the client's part threads
    /// (at most `maxPartsInFlight` at once), and aborted if any part fails.
    public func putObject(bucket: String, key: String, file path: String, options: S3PutOptions = S3PutOptions())
        throws(AWSError) -> S3PutResult
    {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw AWSError(.io, "cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw AWSError(.io, "cannot stat \(path): \(String(cString: strerror(errno)))") }
        let size = Int64(status.st_size)
        let configured = Int64(configuration.partSize)
        if size < configured {
            let digest = try FileDigest.sha256(descriptor: descriptor, offset: 0, length: size)
            let body: RequestBody = size == 0 ? .empty : .file(descriptor: descriptor, offset: 0, length: size)
            return try putObject(bucket: bucket, key: key, body: body, digest: digest, options: options)
        }
        // Grow the part size when needed to stay within S3's 10,000 parts.
        let partSize = max(configured, (size + Int64(S3Configuration.maximumPartCount) - 1) / Int64(S3Configuration.maximumPartCount))
        let uploadID = try createMultipartUpload(bucket: bucket, key: key, options: options)
        let session = MultipartSession(
            client: self, bucket: bucket, key: key, uploadID: uploadID, maxInFlight: configuration.maxPartsInFlight)
        do throws(AWSError) {
            var offset: Int64 = 0
            var number = 1
            while offset < size {
                let length = min(partSize, size - offset)
                try session.submit(number: number, source: .file(descriptor: descriptor, offset: offset, length: length)) {}
                offset += length
                number += 1
            }
            let parts = try session.waitForParts()
            return try completeMultipartUpload(
                bucket: bucket, key: key, uploadID: uploadID, parts: parts, createOnly: options.createOnly)
        } catch {
            try? session.abort(reason: "\(error.code): \(error.message)")
            throw error
        }
    }

    /// Downloads `key` (or `range` of it) into the file at `path`, created or truncated,
    /// streaming (memory stays bounded whatever the size). A failed download leaves no file.
    @discardableResult
    public func getObject(bucket: String, key: String, range: S3ByteRange? = nil, toFile path: String)
        throws(AWSError) -> S3ObjectInfo
    {
        let request = try getRequest(bucket: bucket, key: key, range: range)
        let descriptor = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw AWSError(.io, "cannot create \(path): \(String(cString: strerror(errno)))") }
        var keep = false
        defer {
            close(descriptor)
            if !keep { unlink(path) }
        }
        let response = try send(request, sink: .file(descriptor: descriptor, offset: 0)) { (response) throws(AWSError) in
            // Each attempt rewrites from offset 0; drop anything past this attempt's length.
            guard ftruncate(descriptor, off_t(response.bodyBytes)) == 0 else {
                throw AWSError(.io, "cannot truncate \(path): \(String(cString: strerror(errno)))")
            }
            let announced = Self.objectInfo(key: key, response).contentLength
            guard announced == response.bodyBytes else {
                throw AWSError(.integrityMismatch, "GetObject s3://\(bucket)/\(key) announced \(announced) bytes but delivered \(response.bodyBytes)")
            }
            guard range == nil, let expected = Self.wholeObjectChecksum(response) else { return }
            let digest = try FileDigest.sha256(descriptor: descriptor, offset: 0, length: response.bodyBytes)
            guard Base64.standard(digest) == expected else {
                throw AWSError(.integrityMismatch, "GetObject s3://\(bucket)/\(key) wrote bytes whose SHA-256 does not match the stored checksum")
            }
        }
        let info = Self.objectInfo(key: key, response)
        keep = true
        return info
    }
}
