@testable import AWS
import Foundation
import MillraceTesting
import Testing

@Suite("S3 streaming writer and multipart uploads against moto")
struct S3MultipartTests {
    static let mebibyte = 1024 * 1024

    /// Sizes around the 5 MiB part boundary, and a 50 MiB object of ten parts.
    static let sizes = [0, 1, 5 * mebibyte - 1, 5 * mebibyte, 5 * mebibyte + 1, 50 * mebibyte]

    @Test("the writer stores objects byte for byte; below or at one part it uses a single PutObject", arguments: sizes)
    func writerRoundTrip(size: Int) throws {
        let servers = try TestServers.require()
        let recorder = EventRecorder()
        let client = try S3TestSupport.client(servers, recorder: recorder)
        let bucket = try S3TestSupport.bucket(client, "mpu")
        let data = S3TestSupport.bytes(size, seed: UInt64(size) + 11)
        let writer = client.makeWriter(bucket: bucket, key: "object-\(size)", options: S3PutOptions(contentType: "application/octet-stream"))
        // Odd-sized writes so part boundaries fall inside writes.
        var offset = 0
        var step = 1
        while offset < size {
            let count = min(step, size - offset)
            try data.withUnsafeBytes { try writer.write(UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + count)])) }
            offset += count
            step = step * 7 % 1_000_003 + 65_537
        }
        #expect(writer.bytesWritten == Int64(size))
        let result = try writer.finish()
        #expect(result.size == Int64(size))
        #expect(try writer.finish() == result)  // idempotent

        let multipart = size > S3Configuration.minimumPartSize
        let operations = recorder.completed.map(\.operation)
        #expect(operations.contains("CreateMultipartUpload") == multipart)
        #expect(operations.filter { $0 == "UploadPart" }.count == (multipart ? (size + 5 * Self.mebibyte - 1) / (5 * Self.mebibyte) : 0))
        if multipart { #expect(result.etag.hasSuffix("-\((size + 5 * Self.mebibyte - 1) / (5 * Self.mebibyte))")) }

        let read = try client.getObject(bucket: bucket, key: "object-\(size)")
        #expect(read.bytes.count == size)
        #expect(read.bytes == data)
        #expect(read.info.etag == result.etag)
        #expect(try client.listMultipartUploads(bucket: bucket).isEmpty)
        #expect(throws: AWSError.self) { try writer.write([1]) }
    }

    @Test("abort() of an incomplete upload leaves no multipart upload behind and reports an event")
    func explicitAbort() async throws {
        let servers = try TestServers.require()
        let recorder = EventRecorder()
        let client = try S3TestSupport.client(servers, recorder: recorder)
        let bucket = try S3TestSupport.bucket(client, "abort")
        let writer = client.makeWriter(bucket: bucket, key: "never-finished")
        try writer.write(S3TestSupport.bytes(12 * Self.mebibyte, seed: 5))  // two parts sent, one buffered
        let before = try await client.listMultipartUploads(bucket: bucket)
        #expect(before.map(\.key) == ["never-finished"])
        // abort() skips parts still queued; wait until moto holds both (boto3's ListParts, an
        // independent look), so that the report below counts exactly the two uploaded.
        let upload = try #require(before.first?.uploadID)
        let script = """
            import sys, boto3
            endpoint, key, secret, region, bucket, name, upload = sys.argv[1:8]
            s3 = boto3.client("s3", endpoint_url=endpoint, region_name=region, aws_access_key_id=key, aws_secret_access_key=secret)
            print(len(s3.list_parts(Bucket=bucket, Key=name, UploadId=upload).get("Parts", [])))
            """
        try await S3TestSupport.eventually("moto holds both parts") {
            let count = try await Subprocess.python(script, arguments: [
                servers.s3Endpoint, servers.accessKeyID, servers.secretAccessKey, servers.region, bucket, "never-finished", upload,
            ])
            return count.trimmingCharacters(in: .whitespacesAndNewlines) == "2"
        }
        try writer.abort()
        #expect(try await client.listMultipartUploads(bucket: bucket).isEmpty)
        #expect(try await client.listAllObjects(bucket: bucket).isEmpty)
        #expect(recorder.aborted.count == 1)
        #expect(recorder.aborted.first?.partsUploaded == 2)
        let error = #expect(throws: AWSError.self) { try writer.finish() }
        #expect(error?.code == .cancelled)
    }

    @Test("a part that keeps failing aborts the upload: the error surfaces, no upload is left behind")
    func failureAborts() throws {
        let servers = try TestServers.require()
        // Every UploadPart fails with a 500; everything else passes through.
        let proxy = try FaultProxy(FaultProxy.Configuration(
            upstream: servers.s3Endpoint, faultRate: 1, kinds: [.internalError],
            isEligible: S3TestSupport.isUploadPart))
        defer { proxy.stop() }
        let recorder = EventRecorder()
        let client = try S3TestSupport.client(servers, endpoint: proxy.endpoint, attempts: 3, recorder: recorder)
        let bucket = try S3TestSupport.bucket(client, "fail")
        let writer = client.makeWriter(bucket: bucket, key: "doomed")
        let error = #expect(throws: AWSError.self) {
            try writer.write(S3TestSupport.bytes(26 * Self.mebibyte, seed: 9))
            try writer.finish()
        }
        #expect(error?.code == .serverError)
        #expect(try client.listMultipartUploads(bucket: bucket).isEmpty)
        #expect(recorder.aborted.count == 1)
        #expect(recorder.retries.count >= 2)
        #expect(recorder.retries.allSatisfy { $0.errorCode == .serverError })
    }

    @Test("a file upload whose part keeps failing aborts its multipart upload: the error surfaces, no upload is left behind")
    func fileFailureAborts() async throws {
        let servers = try TestServers.require()
        // Every UploadPart fails with a 500; everything else passes through.
        let proxy = try FaultProxy(FaultProxy.Configuration(
            upstream: servers.s3Endpoint, faultRate: 1, kinds: [.internalError],
            isEligible: S3TestSupport.isUploadPart))
        defer { proxy.stop() }
        let recorder = EventRecorder()
        let client = try S3TestSupport.client(servers, endpoint: proxy.endpoint, attempts: 2, recorder: recorder)
        let bucket = try await S3TestSupport.onThread { try S3TestSupport.bucket(client, "filefail") }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.path("doomed")
        try Data(S3TestSupport.bytes(12 * Self.mebibyte, seed: 4)).write(to: file)
        let error = await #expect(throws: AWSError.self) { try await client.putObject(bucket: bucket, key: "doomed", file: file.path) }
        #expect(error?.code == .serverError)
        #expect(recorder.completed.contains { $0.operation == "CreateMultipartUpload" && $0.errorCode == nil })
        #expect(recorder.aborted.count == 1)
        #expect(recorder.aborted.first?.key == "doomed")
        #expect(try await client.listMultipartUploads(bucket: bucket).isEmpty)
        #expect(try await client.listAllObjects(bucket: bucket).isEmpty)
    }

    @Test("a large file goes up in parallel parts and comes back intact")
    func parallelParts() throws {
        let servers = try TestServers.require()
        let client = try S3TestSupport.client(servers)
        let bucket = try S3TestSupport.bucket(client, "par")
        let writer = client.makeWriter(bucket: bucket, key: "big")
        let data = S3TestSupport.bytes(23 * Self.mebibyte + 17, seed: 23)
        try writer.write(data)
        try writer.finish()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.path("big")
        try client.getObject(bucket: bucket, key: "big", toFile: file.path)
        #expect(try Data(contentsOf: file) == Data(data))
    }
}
