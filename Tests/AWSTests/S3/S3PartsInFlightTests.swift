@testable import AWS
import Foundation
import MillraceTesting
import Retry
import Testing

/// How many parts a multipart upload keeps in flight, and what happens to the parts of a writer
/// released unfinished. moto (SigV4 enforced) stores the parts; a `FaultProxy` in front of it
/// holds every UploadPart for a while, so parts overlap, and counts how many it holds at once.
@Suite("S3 multipart: bounded parts in flight, released writers")
struct S3PartsInFlightTests {
    static let mebibyte = 1024 * 1024

    /// A client through a proxy that holds each UploadPart for `delay`.
    static func client(
        _ servers: TestServers, proxy: FaultProxy, partsInFlight: Int, threads: Int, recorder: EventRecorder
    ) throws -> S3Client {
        var configuration = S3TestSupport.configuration(endpoint: proxy.endpoint, servers: servers)
        configuration.maxPartsInFlight = partsInFlight
        configuration.workerThreads = threads
        return try S3Client(
            configuration: configuration, credentials: StaticCredentialsProvider(S3TestSupport.credentials(servers)),
            events: AWSEvents(logger: S3TestSupport.quietLogger, handler: { recorder.record($0) }))
    }

    @Test("parts overlap, at most maxPartsInFlight upload at once, and a writer holds at most maxPartsInFlight + 1 part buffers")
    func boundedInFlight() async throws {
        let servers = try TestServers.require()
        let proxy = try FaultProxy(FaultProxy.Configuration(
            upstream: servers.s3Endpoint, faultRate: 0, delay: .milliseconds(400), isEligible: S3TestSupport.isUploadPart))
        defer { proxy.stop() }
        let recorder = EventRecorder()
        // Eight part threads, so only maxPartsInFlight (3) can limit the parts in flight.
        let client = try Self.client(servers, proxy: proxy, partsInFlight: 3, threads: 8, recorder: recorder)
        let direct = try S3TestSupport.client(servers)
        let bucket = try await S3TestSupport.onThread { try S3TestSupport.bucket(direct, "inflight") }
        let data = S3TestSupport.bytes(40 * Self.mebibyte, seed: 17)  // 8 parts of 5 MiB

        let buffers = try await S3TestSupport.onThread {
            let writer = client.makeWriter(bucket: bucket, key: "streamed")
            try data.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let end = min(offset + 256 * 1024, buffer.count)
                    try writer.write(UnsafeRawBufferPointer(rebasing: buffer[offset..<end]))
                    offset = end
                }
            }
            try writer.finish()
            return writer.partBuffersAllocated
        }
        #expect(proxy.forwardedEligible == 8)
        #expect(proxy.peakEligibleInFlight == 3)
        #expect(buffers <= 4)
        #expect(buffers >= 2)  // parts really were buffered while others uploaded
        #expect(try await direct.getObject(bucket: bucket, key: "streamed").bytes == data)

        // Files stream their parts straight from disk under the same bound.
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.path("upload")
        try Data(data).write(to: file)
        let peakBefore = proxy.peakEligibleInFlight
        _ = try await client.putObject(bucket: bucket, key: "file", file: file.path)
        #expect(proxy.forwardedEligible == 16)
        #expect(peakBefore == 3 && proxy.peakEligibleInFlight == 3)
        #expect(try await direct.getObject(bucket: bucket, key: "file").bytes == data)
        #expect(recorder.retries.isEmpty)
    }

    @Test("writers released unfinished abort in the background, more of them than part threads, skipping their queued parts")
    func releasedWriters() async throws {
        let servers = try TestServers.require()
        let proxy = try FaultProxy(FaultProxy.Configuration(
            upstream: servers.s3Endpoint, faultRate: 0, delay: .seconds(1), isEligible: S3TestSupport.isUploadPart))
        defer { proxy.stop() }
        let recorder = EventRecorder()
        // Two part threads for five writers with three parts queued each.
        let client = try Self.client(servers, proxy: proxy, partsInFlight: 3, threads: 2, recorder: recorder)
        let direct = try S3TestSupport.client(servers)
        let bucket = try await S3TestSupport.onThread { try S3TestSupport.bucket(direct, "released") }
        let writers = 5
        try await S3TestSupport.onThread {
            for index in 0..<writers {
                let writer = client.makeWriter(bucket: bucket, key: "released-\(index)")
                try writer.write(S3TestSupport.bytes(16 * Self.mebibyte, seed: UInt64(index)))  // 3 parts sent, 1 MiB buffered
                // `writer` is released here, unfinished.
            }
        }
        try await S3TestSupport.eventually("every released writer's upload to be aborted") {
            try await direct.listMultipartUploads(bucket: bucket).isEmpty && recorder.aborted.count == writers
        }
        #expect(Set(recorder.aborted.map(\.key)) == Set((0..<writers).map { "released-\($0)" }))
        #expect(recorder.aborted.allSatisfy { $0.reason.contains("released without finish() or abort()") })
        // The parts still queued when their writer was released were never sent: with two part
        // threads held 1 s per part, far fewer than the 15 submitted reached S3.
        #expect(proxy.forwardedEligible < writers * 3)
        #expect(try await direct.listAllObjects(bucket: bucket).isEmpty)
    }
}
