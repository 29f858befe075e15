@testable import AWS
import Foundation
import MillraceTesting
import Testing

@Suite("S3 objects against moto (SigV4 enforced)")
struct S3ObjectTests {
    @Test("PutObject, HeadObject and GetObject round-trip bytes, type, metadata and checksum")
    func putHeadGet() throws {
        let servers = try TestServers.require()
        let recorder = EventRecorder()
        let client = try S3TestSupport.client(servers, recorder: recorder)
        let bucket = try S3TestSupport.bucket(client)
        let data = S3TestSupport.bytes(100_000, seed: 1)
        let put = try client.putObject(
            bucket: bucket, key: "dir/object.bin", bytes: data,
            options: S3PutOptions(contentType: "application/vnd.apache.parquet", metadata: ["Origin": "test"]))
        #expect(put.size == 100_000)
        #expect(!put.etag.isEmpty)
        let head = try client.headObject(bucket: bucket, key: "dir/object.bin")
        #expect(head.contentLength == 100_000)
        #expect(head.etag == put.etag)
        #expect(head.contentType == "application/vnd.apache.parquet")
        #expect(head.metadata["origin"] == "test")
        #expect(head.checksumSHA256 == put.checksumSHA256)
        let object = try client.getObject(bucket: bucket, key: "dir/object.bin")
        #expect(object.bytes == data)
        let put0 = recorder.completed.first { $0.operation == "PutObject" }
        #expect(put0?.bytesSent == 100_000)
        #expect(put0?.attempts == 1)
    }
}
