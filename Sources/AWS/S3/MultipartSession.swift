import Foundation

/// One multipart upload in progress: parts go to the client's part threads with at most
/// `maxInFlight` uploading at once; `submit` blocks the caller beyond that (backpressure). The
/// first part failure (after the client's retries) fails the session; `abort` and `abandon`
/// clean up. Once the session has failed or is being aborted, parts still queued are skipped
/// rather than uploaded for nothing.
final class MultipartSession: @unchecked Sendable {
    /// Where a part's bytes are.
    enum PartSource: @unchecked Sendable {
        /// A writer's buffer, recycled through `release` once the part is uploaded.
        case buffer(PartBuffer)
        /// A range of an open file.
        case file(descriptor: Int32, offset: Int64, length: Int64)
    }

    let client: S3Client
    let bucket: String
    let key: String
    let uploadID: String
    private let maxInFlight: Int
    // The condition guards every `var` below.
    private let condition = NSCondition()
    private var inFlight = 0
    private var parts: [S3CompletedPart] = []
    private var failure: AWSError?
    /// Set by `abandon` while parts are in flight: the last of them sends the abort.
    private var pendingAbort: String?

    init(client: S3Client, bucket: String, key: String, uploadID: String, maxInFlight: Int) {
        self.client = client
        self.bucket = bucket
        self.key = key
        self.uploadID = uploadID
        self.maxInFlight = max(1, maxInFlight)
    }

    /// Waits for a free slot, then uploads `source` as part `number` on a part thread and calls
    /// `release` when the part's bytes are no longer needed. Throws the session's failure, if
    /// any part has failed, instead of submitting.
    func submit(number: Int, source: PartSource, release: @escaping @Sendable () -> Void) throws(AWSError) {
        condition.lock()
        while inFlight >= maxInFlight && failure == nil { condition.wait() }
        if let failure {
            condition.unlock()
            release()
            throw failure
        }
        inFlight += 1
        condition.unlock()
        client.partPool.submit { [self] in
            // A part queued behind a failure or an abort is not worth uploading.
            condition.lock()
            let skip = failure
            condition.unlock()
            let result = skip.map { Result.failure($0) }
                ?? Result { () throws(AWSError) in try upload(number: number, source: source) }
            release()
            condition.lock()
            inFlight -= 1
            switch result {
            case .success(let part): parts.append(part)
            case .failure(let error): if failure == nil { failure = error }
            }
            let abortReason = inFlight == 0 ? pendingAbort : nil
            if abortReason != nil { pendingAbort = nil }
            let uploaded = parts.count
            condition.broadcast()
            condition.unlock()
            if let abortReason { try? sendAbort(reason: abortReason, partsUploaded: uploaded) }
        }
    }

    /// Waits for every submitted part and returns them in order, or throws the first failure.
    func waitForParts() throws(AWSError) -> [S3CompletedPart] {
        condition.lock()
        defer { condition.unlock() }
        while inFlight > 0 { condition.wait() }
        if let failure { throw failure }
        return parts.sorted { $0.partNumber < $1.partNumber }
    }

    /// Aborts the upload from the calling thread: parts still queued are skipped, the ones
    /// uploading are waited for, then the upload is aborted and reported as an event. Throws
    /// when S3 refused the abort (the upload may then linger until the lifecycle rule ends it).
    /// Never call it on a part thread: it waits for part threads.
    func abort(reason: String) throws(AWSError) {
        condition.lock()
        fail(reason)
        while inFlight > 0 { condition.wait() }
        let uploaded = parts.count
        condition.unlock()
        try sendAbort(reason: reason, partsUploaded: uploaded)
    }

    /// Aborts the upload without waiting (a writer released unfinished): parts still queued are
    /// skipped, and the abort is sent by the last part in flight to finish, or at once on a part
    /// thread when none is in flight. No thread ever waits on another for it, so any number of
    /// abandoned sessions finish whatever the number of part threads.
    func abandon(reason: String) {
        condition.lock()
        fail(reason)
        let idle = inFlight == 0
        if !idle { pendingAbort = reason }
        let uploaded = parts.count
        condition.unlock()
        if idle { client.partPool.submit { [self] in try? sendAbort(reason: reason, partsUploaded: uploaded) } }
    }

    /// Marks the session failed (the caller holds the condition's lock).
    private func fail(_ reason: String) {
        if failure == nil {
            failure = AWSError(.cancelled, "the multipart upload of s3://\(bucket)/\(key) was aborted: \(reason)")
        }
    }

    private func sendAbort(reason: String, partsUploaded: Int) throws(AWSError) {
        try client.abortMultipartUpload(bucket: bucket, key: key, uploadID: uploadID)
        client.events.emit(.multipartUploadAborted(.init(
            bucket: bucket, key: key, uploadID: uploadID, partsUploaded: partsUploaded, reason: reason)))
    }

    private func upload(number: Int, source: PartSource) throws(AWSError) -> S3CompletedPart {
        switch source {
        case .buffer(let buffer):
            let bytes = buffer.bytes
            return try client.uploadPart(
                bucket: bucket, key: key, uploadID: uploadID, partNumber: number, body: .memory(bytes),
                digest: try Digest.sha256(bytes))
        case .file(let descriptor, let offset, let length):
            let digest = try FileDigest.sha256(descriptor: descriptor, offset: offset, length: length)
            return try client.uploadPart(
                bucket: bucket, key: key, uploadID: uploadID, partNumber: number,
                body: .file(descriptor: descriptor, offset: offset, length: length), digest: digest)
        }
    }
}

/// A fixed-capacity byte buffer a writer fills and a part upload reads. Owned by one thread at
/// a time: the writer while filling, a part thread while uploading.
final class PartBuffer: @unchecked Sendable {
    private let storage: UnsafeMutableRawBufferPointer
    /// Bytes filled.
    private(set) var count = 0

    /// A buffer of `capacity` bytes (allocated now, never grown).
    init(capacity: Int) {
        storage = .allocate(byteCount: capacity, alignment: 16)
    }

    deinit { storage.deallocate() }

    var isFull: Bool { count == storage.count }

    /// The filled bytes.
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: storage[0..<count]) }

    /// Copies as much of `source` as fits and returns how many bytes it took.
    func append(_ source: UnsafeRawBufferPointer) -> Int {
        let taken = min(source.count, storage.count - count)
        if taken > 0, let from = source.baseAddress, let to = storage.baseAddress {
            (to + count).copyMemory(from: from, byteCount: taken)
            count += taken
        }
        return taken
    }

    /// Empties the buffer for reuse.
    func reset() { count = 0 }
}
