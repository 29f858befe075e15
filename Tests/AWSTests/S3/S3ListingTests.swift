@testable import AWS
import Foundation
import MillraceTesting
import Testing

@Suite("S3 listing and deletion against moto")
struct S3ListingTests {
    @Test("ListObjectsV2 pages through every key, and a delimiter groups common prefixes")
    func pagination() throws {
        let servers = try TestServers.require()
        let client = try S3TestSupport.client(servers)
        let bucket = try S3TestSupport.bucket(client, "list")
        let keys = (0..<25).map { "p/\($0 < 10 ? "a" : "b")/key-\(String(format: "%02d", $0))" }
        for key in keys { _ = try client.putObject(bucket: bucket, key: key, bytes: [UInt8(key.count)]) }
        var pages: [S3ListPage] = []
        var token: String?
        repeat {
            let page = try client.listObjectsV2(bucket: bucket, prefix: "p/", continuationToken: token, maxKeys: 10)
            pages.append(page)
            token = page.nextContinuationToken
        } while token != nil
        #expect(pages.map(\.objects.count) == [10, 10, 5])
        #expect(pages.flatMap(\.objects).map(\.key) == keys)
        #expect(pages[0].objects[0].size == 1)
        #expect(pages[0].objects[0].lastModified != nil)
        #expect(try client.listAllObjects(bucket: bucket, prefix: "p/b/").count == 15)
        let grouped = try client.listObjectsV2(bucket: bucket, prefix: "p/", delimiter: "/")
        #expect(grouped.commonPrefixes == ["p/a/", "p/b/"])
        #expect(grouped.objects.isEmpty)
        let after = try client.listObjectsV2(bucket: bucket, startAfter: "p/b/key-20")
        #expect(after.objects.map(\.key) == Array(keys[21...]))
    }

    @Test("DeleteObjects removes awkward keys, absent ones included")
    func deleteMany() throws {
        let servers = try TestServers.require()
        let client = try S3TestSupport.client(servers)
        let bucket = try S3TestSupport.bucket(client, "delete")
        let keys = (0..<30).map { "d/\($0) & <odd> \"key\"" }
        for key in keys { _ = try client.putObject(bucket: bucket, key: key, bytes: [1]) }
        let result = try client.deleteObjects(bucket: bucket, keys: keys + ["d/never-existed"])
        #expect(Set(result.deleted) == Set(keys + ["d/never-existed"]))
        #expect(result.failures.isEmpty)
        #expect(try client.listAllObjects(bucket: bucket).isEmpty)
        #expect(try client.deleteObjects(bucket: bucket, keys: []).deleted.isEmpty)
    }

    @Test("DeleteObjects sends 1,005 keys in two requests of at most 1000, and every key is gone (counted by boto3)")
    func deleteInBatches() async throws {
        let servers = try TestServers.require()
        let recorder = EventRecorder()
        let client = try S3TestSupport.client(servers, recorder: recorder)
        let bucket = try await S3TestSupport.onThread { try S3TestSupport.bucket(client, "batches") }
        let keys = (0..<1005).map { "batch/\(String(format: "%04d", $0))" }
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            for _ in 0..<8 {
                let key = keys[next]
                next += 1
                group.addTask { _ = try await client.putObject(bucket: bucket, key: key, bytes: [7]) }
            }
            while try await group.next() != nil, next < keys.count {
                let key = keys[next]
                next += 1
                group.addTask { _ = try await client.putObject(bucket: bucket, key: key, bytes: [7]) }
            }
            try await group.waitForAll()
        }
        let count = """
            import sys, boto3
            endpoint, key, secret, region, bucket = sys.argv[1:6]
            s3 = boto3.client("s3", endpoint_url=endpoint, region_name=region, aws_access_key_id=key, aws_secret_access_key=secret)
            print(sum(page.get("KeyCount", 0) for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)))
            """
        let arguments = [servers.s3Endpoint, servers.accessKeyID, servers.secretAccessKey, servers.region, bucket]
        #expect(try await Subprocess.python(count, arguments: arguments).trimmingCharacters(in: .whitespacesAndNewlines) == "1005")

        let result = try await client.deleteObjects(bucket: bucket, keys: keys)
        #expect(result.deleted.count == 1005)
        #expect(Set(result.deleted) == Set(keys))
        #expect(result.failures.isEmpty)
        let deletes = recorder.completed.filter { $0.operation == "DeleteObjects" }
        #expect(deletes.count == 2)
        #expect(deletes.allSatisfy { $0.errorCode == nil })
        #expect(try await Subprocess.python(count, arguments: arguments).trimmingCharacters(in: .whitespacesAndNewlines) == "0")
    }

    @Test("ListObjectsV2 rejects maxKeys outside 1...1000 before sending anything")
    func maxKeysValidated() throws {
        let servers = try TestServers.require()
        let client = try S3TestSupport.client(servers)
        let error = #expect(throws: AWSError.self) { try client.listObjectsV2(bucket: "b", maxKeys: 0) }
        #expect(error?.code == .invalidArgument)
    }
}
