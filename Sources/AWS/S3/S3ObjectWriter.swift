import Synchronization

/// Streams one object to S3 from a synchronous producer (the engine's Parquet sink) with
/// bounded memory.
///
/// `write` copies bytes into part buffers of `partSize`; each full part is uploaded on the
/// client's part threads while the producer keeps writing. At most `maxPartsInFlight` parts
/// upload at once and `write` blocks beyond that, so the writer never holds more than
/// `(maxPartsInFlight + 1) × partSize` bytes. An object smaller than one part is sent with a
/// single PutObject at `finish`, never as a multipart upload.
///
/// Any failure (after the client's retries) aborts the multipart upload, so S3 keeps no orphan
/// parts, and is rethrown by this and every later call; a writer released without `finish()`
/// or `abort()` aborts its upload in the background. A writer is used by one thread at a time.
public final class S3ObjectWriter {
    /// The bucket written to.
    public let bucket: String
    /// The key written to.
    public let key: String
    /// Bytes accepted by `write` so far.
    public private(set) var bytesWritten: Int64 = 0

    private enum State {
        case open
        case finished(S3PutResult)
        case failed(AWSError)
    }

    private let client: S3Client
    private let options: S3PutOptions
    private let partSize: Int
    private let recycled = RecycledBuffers()
    private var current: PartBuffer?
    private var session: MultipartSession?
    private var nextPartNumber = 1
    private var state = State.open
    /// Part buffers allocated so far: at most `maxPartsInFlight + 1`, however large the object.
    private(set) var partBuffersAllocated = 0

    init(client: S3Client, bucket: String, key: String, options: S3PutOptions) {
        self.client = client
        self.bucket = bucket
        self.key = key
        self.options = options
        self.partSize = client.configuration.partSize
    }

    deinit {
        // A writer dropped mid-upload must not leave parts behind in S3. The abort is sent in
        // the background, by the last part in flight; nothing waits for it.
        if case .open = state, let session {
            session.abandon(reason: "the writer was released without finish() or abort()")
        }
    }

    /// Appends `bytes`; blocks while `maxPartsInFlight` parts are uploading.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(AWSError) {
        try requireOpen()
        var offset = 0
        while offset < bytes.count {
            var buffer = takeCurrent()
            if buffer.isFull {
                // Upload a full part only once more bytes arrive, so an object of exactly one
                // part still goes out as a single PutObject.
                try guarded { () throws(AWSError) in try submit(buffer) }
                buffer = takeCurrent()
            }
            offset += buffer.append(UnsafeRawBufferPointer(rebasing: bytes[offset...]))
        }
        bytesWritten += Int64(bytes.count)
    }

    /// Appends `bytes`.
    public func write(_ bytes: [UInt8]) throws(AWSError) {
        try bytes.withUnsafeBytes { buffer in Result { () throws(AWSError) in try write(buffer) } }.get()
    }

    /// Uploads what remains and completes the object; returns its ETag and size. Calling it
    /// again returns the same result.
    @discardableResult
    public func finish() throws(AWSError) -> S3PutResult {
        switch state {
        case .finished(let result): return result
        case .failed(let error): throw error
        case .open: break
        }
        let result = try guarded { () throws(AWSError) -> S3PutResult in
            guard let session else {
                let bytes = current?.bytes ?? UnsafeRawBufferPointer(start: nil, count: 0)
                return try client.putObject(
                    bucket: bucket, key: key, body: bytes.isEmpty ? .empty : .memory(bytes),
                    digest: try Digest.sha256(bytes), options: options)
            }
            if let current, current.count > 0 { try submit(current) }
            let parts = try session.waitForParts()
            return try client.completeMultipartUpload(
                bucket: bucket, key: key, uploadID: session.uploadID, parts: parts, createOnly: options.createOnly)
        }
        state = .finished(result)
        current = nil
        return result
    }

    /// Abandons the object: skips the parts still queued, waits for those uploading and aborts
    /// the multipart upload (nothing was sent yet for a small object). Later calls fail with
    /// `cancelled`.
    public func abort() throws(AWSError) {
        if case .finished = state { throw AWSError(.cancelled, "s3://\(bucket)/\(key) is already complete; delete it instead") }
        if case .open = state { state = .failed(AWSError(.cancelled, "the upload of s3://\(bucket)/\(key) was aborted")) }
        current = nil
        guard let session else { return }
        self.session = nil
        try session.abort(reason: "aborted by the caller")
    }

    private func requireOpen() throws(AWSError) {
        switch state {
        case .open: return
        case .failed(let error): throw error
        case .finished: throw AWSError(.cancelled, "s3://\(bucket)/\(key) is already finished")
        }
    }

    /// Runs `body`; on failure aborts the multipart upload and remembers the error.
    private func guarded<T>(_ body: () throws(AWSError) -> T) throws(AWSError) -> T {
        do throws(AWSError) {
            return try body()
        } catch {
            state = .failed(error)
            current = nil
            if let session {
                self.session = nil
                try? session.abort(reason: "\(error.code): \(error.message)")
            }
            throw error
        }
    }

    private func takeCurrent() -> PartBuffer {
        if let current { return current }
        let buffer = recycled.take() ?? {
            partBuffersAllocated += 1
            return PartBuffer(capacity: partSize)
        }()
        current = buffer
        return buffer
    }

    private func submit(_ buffer: PartBuffer) throws(AWSError) {
        guard nextPartNumber <= S3Configuration.maximumPartCount else {
            throw AWSError(.invalidArgument,
                "s3://\(bucket)/\(key) would exceed 10,000 parts of \(partSize) bytes; raise S3Configuration.partSize")
        }
        let session = try startedSession()
        current = nil
        let number = nextPartNumber
        nextPartNumber += 1
        let recycled = recycled
        try session.submit(number: number, source: .buffer(buffer)) { recycled.give(buffer) }
    }

    private func startedSession() throws(AWSError) -> MultipartSession {
        if let session { return session }
        let uploadID = try client.createMultipartUpload(bucket: bucket, key: key, options: options)
        let session = MultipartSession(
            client: client, bucket: bucket, key: key, uploadID: uploadID, maxInFlight: client.configuration.maxPartsInFlight)
        self.session = session
        return session
    }
}

/// Part buffers handed back by finished part uploads, reused by the writer so memory stays at
/// `maxPartsInFlight + 1` buffers.
final class RecycledBuffers: Sendable {
    private let buffers = Mutex<[PartBuffer]>([])

    func take() -> PartBuffer? {
        buffers.withLock { $0.popLast() }
    }

    func give(_ buffer: PartBuffer) {
        buffer.reset()
        buffers.withLock { $0.append(buffer) }
    }
}

extension S3Client {
    /// A streaming writer for `key` (see `S3ObjectWriter`).
    public func makeWriter(bucket: String, key: String, options: S3PutOptions = S3PutOptions()) -> S3ObjectWriter {
        S3ObjectWriter(client: self, bucket: bucket, key: key, options: options)
    }
}
