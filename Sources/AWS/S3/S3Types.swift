public import Foundation

/// Options of a PutObject, a file upload or a multipart writer.
public struct S3PutOptions: Sendable, Hashable {
    /// The object's `Content-Type`; nil lets S3 apply `binary/octet-stream`. Default: nil.
    public var contentType: String?
    /// Fail with `preconditionFailed` if the key already exists (`If-None-Match: *`), unless it
    /// already holds exactly these bytes (so a retry after a lost response is not reported as a
    /// conflict). Default: false.
    public var createOnly: Bool
    /// User metadata, sent as `x-amz-meta-<name>` headers. Default: none.
    public var metadata: [String: String]

    /// Options; every argument has the default its property documents.
    public init(contentType: String? = nil, createOnly: Bool = false, metadata: [String: String] = [:]) {
        self.contentType = contentType
        self.createOnly = createOnly
        self.metadata = metadata
    }
}

/// A stored object's identity after an upload.
public struct S3PutResult: Sendable, Hashable {
    /// The ETag S3 returned, quotes removed.
    public var etag: String
    /// The object's size in bytes.
    public var size: Int64
    /// The base64 SHA-256 checksum S3 stored (for multipart uploads, the checksum of the part
    /// checksums, suffixed `-N`), when known.
    public var checksumSHA256: String?
}

/// A byte range of an object, both ends inclusive (`Range: bytes=first-last`).
public struct S3ByteRange: Sendable, Hashable {
    /// The first byte, from 0.
    public var first: Int64
    /// The last byte, inclusive; nil for "to the end".
    public var last: Int64?

    /// A range; `last` must not precede `first`.
    public init(first: Int64, last: Int64? = nil) {
        self.first = first
        self.last = last
    }

    /// `bytes=first-last`.
    var headerValue: String { "bytes=\(first)-\(last.map(String.init) ?? "")" }

    var isValid: Bool { first >= 0 && (last.map { $0 >= first } ?? true) }
}

/// What HeadObject and GetObject report about an object.
public struct S3ObjectInfo: Sendable, Hashable {
    /// The object key.
    public var key: String
    /// Bytes in this response: the whole object, or the range asked for.
    public var contentLength: Int64
    /// The whole object's size (from `Content-Range` for ranged reads).
    public var objectSize: Int64
    /// The ETag, quotes removed.
    public var etag: String
    /// When it was last written (UTC).
    public var lastModified: Date?
    /// Its `Content-Type`.
    public var contentType: String?
    /// The stored base64 SHA-256 checksum, when S3 returned one (checksum mode, whole object).
    public var checksumSHA256: String?
    /// User metadata (`x-amz-meta-*`), names lowercased.
    public var metadata: [String: String]
}

/// An object read into memory.
public struct S3Object: Sendable {
    /// What S3 said about it.
    public var info: S3ObjectInfo
    /// Its bytes (or the range's).
    public var bytes: [UInt8]
}

/// One entry of a listing.
public struct S3ObjectSummary: Sendable, Hashable {
    /// The key.
    public var key: String
    /// Its size in bytes.
    public var size: Int64
    /// Its ETag, quotes removed.
    public var etag: String
    /// When it was last written (UTC).
    public var lastModified: Date?
}

/// One page of ListObjectsV2.
public struct S3ListPage: Sendable {
    /// The objects on this page, in key order.
    public var objects: [S3ObjectSummary]
    /// The common prefixes (folders) when a delimiter was given.
    public var commonPrefixes: [String]
    /// Pass to the next call to get the next page; nil on the last page.
    public var nextContinuationToken: String?
}

/// The outcome of DeleteObjects: keys deleted and keys S3 refused.
public struct S3DeleteResult: Sendable {
    /// A key S3 could not delete.
    public struct Failure: Sendable, Hashable {
        /// The key.
        public var key: String
        /// S3's error code, e.g. `AccessDenied`.
        public var code: String
        /// S3's message.
        public var message: String
    }

    /// Keys deleted (or already absent).
    public var deleted: [String]
    /// Keys not deleted.
    public var failures: [Failure]
}

/// An uploaded part, as CompleteMultipartUpload needs it.
public struct S3CompletedPart: Sendable, Hashable {
    /// The part number, 1...10000.
    public var partNumber: Int
    /// The ETag S3 returned for the part, quotes removed.
    public var etag: String
    /// The part's base64 SHA-256 checksum.
    public var checksumSHA256: String
    /// The part's size in bytes.
    public var size: Int64
}

/// An in-progress multipart upload, as ListMultipartUploads reports it.
public struct S3MultipartUploadSummary: Sendable, Hashable {
    /// The object key.
    public var key: String
    /// The upload id.
    public var uploadID: String
    /// When it was started (UTC).
    public var initiated: Date?
}
