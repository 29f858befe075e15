@testable import AWS
import Foundation
import MillraceTesting
import Retry
import Testing

@Suite("S3 under injected faults (FaultProxy in front of moto)")
struct S3FaultInjectionTests {
    static let mebibyte = 1024 * 1024

    /// 190 small objects (0 to 64 KiB) and 10 multipart objects (6 to 15 MiB), each a
    /// deterministic function of its index.
    static func object(_ index: Int) -> (key: String, bytes: [UInt8], multipart: Bool) {
        if index < 190 {
            let size = index * 347 % 65_536
            return ("small/\(index) =+ objekt", S3TestSupport.bytes(size, seed: UInt64(index) + 1000), false)
        }
        let size = 6 * mebibyte + (index - 190) * mebibyte + index
        return ("large/\(index).parquet", S3TestSupport.bytes(size, seed: UInt64(index) + 2000), true)
    }

    @Test("with 20 % of requests faulted (500, 503 SlowDown, reset, stall, truncation) 200 objects arrive intact")
    func twoHundredObjects() async throws {
        let servers = try TestServers.require()
        let proxy = try FaultProxy(FaultProxy.Configuration(
            upstream: servers.s3Endpoint, faultRate: 0.2, seed: 42, stall: .seconds(8)))
        defer { proxy.stop() }
        let recorder = EventRecorder()
        var configuration = S3TestSupport.configuration(endpoint: proxy.endpoint, servers: servers, attempts: 10)
        // A stalled request is abandoned after 1 s without progress. libcurl averages the
        // transfer rate over its last 5 s, so a stall right after a fast upload is noticed after
        // up to 6 s: the proxy holds stalled requests for 8 s, past that.
        configuration.http = HTTPClientConfiguration(connectTimeout: .seconds(2), requestTimeout: .seconds(60), stallTimeout: .seconds(1))
        configuration.workerThreads = 8
        let client = try S3Client(
            configuration: configuration, credentials: StaticCredentialsProvider(S3TestSupport.credentials(servers)),
            events: AWSEvents(logger: S3TestSupport.quietLogger, handler: { recorder.record($0) }))
        let direct = try S3TestSupport.client(servers)
        let bucket = try S3TestSupport.bucket(direct, "faults")

        try await withThrowingTaskGroup(of: Void.self) { group in
            // Multipart objects stream through writers on dedicated threads, as the engine does.
            for index in 190..<200 {
                group.addTask {
                    try await S3TestSupport.onThread {
                        let object = Self.object(index)
                        let writer = client.makeWriter(bucket: bucket, key: object.key)
                        try object.bytes.withUnsafeBytes { buffer in
                            var offset = 0
                            while offset < buffer.count {
                                let end = min(offset + 1_000_000, buffer.count)
                                try writer.write(UnsafeRawBufferPointer(rebasing: buffer[offset..<end]))
                                offset = end
                            }
                        }
                        try writer.finish()
                    }
                }
            }
            // Small objects through the async API, eight at a time.
            var next = 0
            for _ in 0..<8 {
                let index = next
                next += 1
                group.addTask { let o = Self.object(index); _ = try await client.putObject(bucket: bucket, key: o.key, bytes: o.bytes) }
            }
            while try await group.next() != nil {
                if next < 190 {
                    let index = next
                    next += 1
                    group.addTask { let o = Self.object(index); _ = try await client.putObject(bucket: bucket, key: o.key, bytes: o.bytes) }
                }
            }
        }

        // Every object, read back directly from moto, is byte for byte what was written.
        let listed = try await direct.listAllObjects(bucket: bucket)
        #expect(listed.count == 200)
        for index in 0..<200 {
            let object = Self.object(index)
            let read = try await direct.getObject(bucket: bucket, key: object.key)
            #expect(read.bytes == object.bytes, "object \(index) differs")
        }

        // The faults really happened, every kind of them, and each was retried as a typed event.
        let faults = proxy.faults
        let total = faults.values.reduce(0, +)
        #expect(total >= proxy.requestCount / 10)
        for kind in FaultKind.allCases { #expect((faults[kind] ?? 0) > 0, "no \(kind) fault was injected") }
        // 500s, 503s and stalls always reach the retry loop; libcurl itself resends a request
        // whose reused connection was reset before any response byte, so not every reset does.
        let answered = (faults[.internalError] ?? 0) + (faults[.slowDown] ?? 0) + (faults[.stall] ?? 0)
        #expect(recorder.retries.count >= answered)
        #expect(recorder.throttles.count == faults[.slowDown] ?? 0)
        let codes = Set(recorder.retries.map(\.errorCode))
        #expect(codes.isSuperset(of: [.serverError, .throttled, .timeout]))
        #expect(codes.contains(.connectionFailed) || codes.contains(.malformedResponse))
        // No multipart upload is left in progress. The only aborts are of the unused uploads
        // started by CreateMultipartUpload requests sent again after a lost response (see
        // createMultipartUpload); no writer gave up.
        #expect(try await direct.listMultipartUploads(bucket: bucket).isEmpty)
        #expect(recorder.aborted.allSatisfy { $0.partsUploaded == 0 && $0.reason.contains("sent again after an unknown outcome") })
    }
}
