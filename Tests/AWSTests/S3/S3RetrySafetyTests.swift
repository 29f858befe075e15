@testable import AWS
import Foundation
import MillraceTesting
import Synchronization
import Testing

/// Requests whose first attempt may have taken effect although its response was lost: the
/// client sends them again only when that is safe, and undoes what a repeat did otherwise.
/// moto (SigV4 enforced) does the work; a `FaultProxy` in front of it loses the responses.
@Suite("S3 retries after an unknown outcome: CreateMultipartUpload repeats are undone, completions reconciled")
struct S3RetrySafetyTests {
    static let mebibyte = 1024 * 1024

    /// True for the first `count` requests that `matches` selects, false for every other.
    static func first(_ count: Int, _ matches: @escaping @Sendable (HTTPStubMessage) -> Bool) -> @Sendable (HTTPStubMessage) -> Bool {
        let seen = Mutex(0)
        return { request in
            guard matches(request) else { return false }
            return seen.withLock { seen in
                seen += 1
                return seen <= count
            }
        }
    }

    @Test("a CreateMultipartUpload whose response was lost is sent again, and the upload the lost attempt started is aborted")
    func createRepeatIsUndone() async throws {
        let servers = try TestServers.require()
        // moto starts an upload for the first create, but the client gets half its response.
        let proxy = try FaultProxy(FaultProxy.Configuration(
            upstream: servers.s3Endpoint, faultRate: 1, kinds: [.truncatedResponse], isEligible: Self.first(1, S3TestSupport.isCreateMultipartUpload)))
        defer { proxy.stop() }
        let recorder = EventRecorder()
        let client = try S3TestSupport.client(servers, endpoint: proxy.endpoint, recorder: recorder)
        let direct = try S3TestSupport.client(servers)
        let bucket = try await S3TestSupport.onThread { try S3TestSupport.bucket(direct, "create") }
        let data = S3TestSupport.bytes(7 * Self.mebibyte, seed: 31)

        let result = try await S3TestSupport.onThread {
            let writer = client.makeWriter(bucket: bucket, key: "staging/once.parquet")
            try writer.write(data)
            return try writer.finish()
        }

        #expect(proxy.faults[.truncatedResponse] == 1)
        #expect(recorder.retries.map(\.operation) == ["CreateMultipartUpload"])
        #expect(recorder.retries.first?.errorCode == .malformedResponse)
        // The upload the lost attempt started was found and aborted; none is left in progress.
        #expect(recorder.aborted.count == 1)
        #expect(recorder.aborted.first?.partsUploaded == 0)
        #expect(try await direct.listMultipartUploads(bucket: bucket).isEmpty)
        let read = try await direct.getObject(bucket: bucket, key: "staging/once.parquet")
        #expect(read.bytes == data)
        #expect(read.info.etag == result.etag)
    }

    @Test("a CreateMultipartUpload that keeps losing its responses fails, and every upload it started is aborted")
    func createFailureLeavesNothing() async throws {
        let servers = try TestServers.require()
        let proxy = try FaultProxy(FaultProxy.Configuration(
            upstream: servers.s3Endpoint, faultRate: 1, kinds: [.truncatedResponse], isEligible: S3TestSupport.isCreateMultipartUpload))
        defer { proxy.stop() }
        let recorder = EventRecorder()
        let client = try S3TestSupport.client(servers, endpoint: proxy.endpoint, attempts: 3, recorder: recorder)
        let direct = try S3TestSupport.client(servers)
        let bucket = try await S3TestSupport.onThread { try S3TestSupport.bucket(direct, "createfail") }
        // A second key under the same prefix: its upload is not ours and must survive.
        let other = try await S3TestSupport.onThread { try direct.createMultipartUpload(bucket: bucket, key: "k/doomed.parquet.tmp") }

        let error = await #expect(throws: AWSError.self) {
            try await S3TestSupport.onThread {
                let writer = client.makeWriter(bucket: bucket, key: "k/doomed.parquet")
                try writer.write(S3TestSupport.bytes(6 * Self.mebibyte, seed: 2))
                return try writer.finish()
            }
        }
        #expect(error?.code == .malformedResponse)
        #expect(proxy.faults[.truncatedResponse] == 3)
        // The three uploads moto started for the three attempts are gone; the other key's stays.
        #expect(recorder.aborted.count == 3)
        let left = try await direct.listMultipartUploads(bucket: bucket)
        #expect(left.map(\.uploadID) == [other])
    }

    @Test("a CompleteMultipartUpload whose response was lost is sent again and succeeds")
    func completeRepeat() async throws {
        let servers = try TestServers.require()
        let proxy = try FaultProxy(FaultProxy.Configuration(
            upstream: servers.s3Endpoint, faultRate: 1, kinds: [.truncatedResponse], isEligible: Self.first(1, S3TestSupport.isCompleteMultipartUpload)))
        defer { proxy.stop() }
        let recorder = EventRecorder()
        let client = try S3TestSupport.client(servers, endpoint: proxy.endpoint, recorder: recorder)
        let direct = try S3TestSupport.client(servers)
        let bucket = try await S3TestSupport.onThread { try S3TestSupport.bucket(direct, "complete") }
        let data = S3TestSupport.bytes(11 * Self.mebibyte, seed: 5)
        let result = try await S3TestSupport.onThread {
            let writer = client.makeWriter(bucket: bucket, key: "twice")
            try writer.write(data)
            return try writer.finish()
        }
        #expect(proxy.faults[.truncatedResponse] == 1)
        #expect(recorder.retries.map(\.operation) == ["CompleteMultipartUpload"])
        #expect(recorder.aborted.isEmpty)
        #expect(result.etag.hasSuffix("-3"))
        let read = try await direct.getObject(bucket: bucket, key: "twice")
        #expect(read.bytes == data)
        #expect(read.info.etag == result.etag)
        #expect(try await direct.listMultipartUploads(bucket: bucket).isEmpty)
    }
}
