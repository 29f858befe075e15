@testable import AWS
import Foundation
import MillraceTesting
import Testing

@Suite("S3 objects against moto (SigV4 enforced)")
struct S3ObjectTests {
    @Test("creating a bucket that is already ours succeeds, so a retried create after a lost answer does not fail")
    func createBucketTwice() async throws {
        let servers = try TestServers.require()
        // Outside us-east-1 S3 (and moto) answers a repeated create with 409 BucketAlreadyOwnedByYou.
        var configuration = S3TestSupport.configuration(endpoint: servers.s3Endpoint, servers: servers)
        configuration.region = "eu-west-1"
        let client = try S3Client(configuration: configuration, credentials: StaticCredentialsProvider(S3TestSupport.credentials(servers)))
        let bucket = "millrace-twice-\(UUID().uuidString.prefix(8).lowercased())"
        try await client.createBucket(bucket)
        try await client.createBucket(bucket)
        _ = try await client.putObject(bucket: bucket, key: "k", bytes: [1])
        #expect(try await client.getObject(bucket: bucket, key: "k").bytes == [1])
    }

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

@Suite("S3 keys, ranges, files and conditional puts against moto")
struct S3ObjectVariantsTests {
    /// Keys that exercise the encoding rules: spaces, `+`, `=`, unicode, `/`, `%`, `~`, `*`,
    /// repeated and trailing slashes, dot segments (S3 does not normalize paths).
    static let keys = [
        "with space.bin", "plus+sign.bin", "equals=sign.bin", "ünïcødé/日本語/😀.parquet", "a/b/c/deep.bin",
        "percent%20literal.bin", "tilde~star*paren().bin", "//double//slash", "trailing/", "./dot/../segments",
        "query?and#hash&amp.bin", "staging/2026/11/25/02/table=entities/part-0.parquet",
    ]

    @Test("awkward keys round-trip through Put, Head, Get, List and Delete", arguments: keys)
    func keysRoundTrip(key: String) throws {
        let servers = try TestServers.require()
        let client = try S3TestSupport.client(servers)
        let bucket = try S3TestSupport.bucket(client, "keys")
        let data = Array("content of \(key)".utf8)
        _ = try client.putObject(bucket: bucket, key: key, bytes: data)
        #expect(try client.headObject(bucket: bucket, key: key).contentLength == Int64(data.count))
        #expect(try client.getObject(bucket: bucket, key: key).bytes == data)
        #expect(try client.listAllObjects(bucket: bucket).map(\.key) == [key])
        let deleted = try client.deleteObjects(bucket: bucket, keys: [key])
        #expect(deleted.deleted == [key])
        #expect(deleted.failures.isEmpty)
        #expect(try client.listAllObjects(bucket: bucket).isEmpty)
    }

    @Test("ranged reads return exactly the bytes asked for, and the object's total size")
    func rangedReads() throws {
        let servers = try TestServers.require()
        let client = try S3TestSupport.client(servers)
        let bucket = try S3TestSupport.bucket(client, "range")
        let data = S3TestSupport.bytes(10_000, seed: 7)
        _ = try client.putObject(bucket: bucket, key: "r", bytes: data)
        let middle = try client.getObject(bucket: bucket, key: "r", range: S3ByteRange(first: 100, last: 199))
        #expect(middle.bytes == Array(data[100...199]))
        #expect(middle.info.contentLength == 100)
        #expect(middle.info.objectSize == 10_000)
        let tail = try client.getObject(bucket: bucket, key: "r", range: S3ByteRange(first: 9_990))
        #expect(tail.bytes == Array(data[9_990...]))
        #expect(throws: AWSError.self) { try client.getObject(bucket: bucket, key: "r", range: S3ByteRange(first: 5, last: 4)) }
    }

    @Test("a missing key is notFound, for Head and Get alike")
    func missingKey() throws {
        let servers = try TestServers.require()
        let client = try S3TestSupport.client(servers)
        let bucket = try S3TestSupport.bucket(client, "missing")
        let head = #expect(throws: AWSError.self) { try client.headObject(bucket: bucket, key: "nope") }
        #expect(head?.code == .notFound)
        let get = #expect(throws: AWSError.self) { try client.getObject(bucket: bucket, key: "nope") }
        #expect(get?.code == .notFound)
        #expect(get?.serviceCode == "NoSuchKey")
        #expect(get?.isRetriable == false)
    }

    @Test("files upload (single and multipart, read straight from disk) and download streaming")
    func fileTransfers() throws {
        let servers = try TestServers.require()
        let recorder = EventRecorder()
        let client = try S3TestSupport.client(servers, recorder: recorder)
        let bucket = try S3TestSupport.bucket(client, "files")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        for (name, size) in [("small", 70_000), ("large", 12 * 1024 * 1024 + 3)] {
            let data = S3TestSupport.bytes(size, seed: UInt64(size))
            let source = directory.path("\(name).in")
            try Data(data).write(to: source)
            let put = try client.putObject(bucket: bucket, key: name, file: source.path)
            #expect(put.size == Int64(size))
            let target = directory.path("\(name).out")
            let info = try client.getObject(bucket: bucket, key: name, toFile: target.path)
            #expect(info.contentLength == Int64(size))
            #expect(try Data(contentsOf: target) == Data(data))
        }
        let parts = recorder.completed.filter { $0.operation == "UploadPart" }
        #expect(parts.count == 3)  // 12 MiB + 3 bytes in 5 MiB parts
        let ranged = directory.path("ranged.out")
        try client.getObject(bucket: bucket, key: "large", range: S3ByteRange(first: 5, last: 14), toFile: ranged.path)
        #expect(try Data(contentsOf: ranged) == Data(S3TestSupport.bytes(12 * 1024 * 1024 + 3, seed: UInt64(12 * 1024 * 1024 + 3))[5...14]))
        // A failed download leaves no file behind.
        let missing = directory.path("missing.out")
        #expect(throws: AWSError.self) { try client.getObject(bucket: bucket, key: "absent", toFile: missing.path) }
        #expect(!FileManager.default.fileExists(atPath: missing.path))
    }

    @Test("create-only puts: the first wins, a different body is refused, the same body is idempotent")
    func createOnly() throws {
        let servers = try TestServers.require()
        let client = try S3TestSupport.client(servers)
        let bucket = try S3TestSupport.bucket(client, "create")
        let options = S3PutOptions(createOnly: true)
        let first = try client.putObject(bucket: bucket, key: "k", bytes: [1, 2, 3], options: options)
        let conflict = #expect(throws: AWSError.self) {
            try client.putObject(bucket: bucket, key: "k", bytes: [9, 9, 9], options: options)
        }
        #expect(conflict?.code == .preconditionFailed)
        let again = try client.putObject(bucket: bucket, key: "k", bytes: [1, 2, 3], options: options)
        #expect(again.etag == first.etag)
        #expect(try client.getObject(bucket: bucket, key: "k").bytes == [1, 2, 3])
    }

    @Test("CopyObject copies bytes server-side")
    func copy() throws {
        let servers = try TestServers.require()
        let client = try S3TestSupport.client(servers)
        let bucket = try S3TestSupport.bucket(client, "copy")
        let data = S3TestSupport.bytes(4096, seed: 3)
        _ = try client.putObject(bucket: bucket, key: "from here", bytes: data)
        let copied = try client.copyObject(fromBucket: bucket, fromKey: "from here", toBucket: bucket, toKey: "to/there+")
        #expect(copied.size == 4096)
        #expect(try client.getObject(bucket: bucket, key: "to/there+").bytes == data)
    }

    @Test("SSE-KMS headers reach S3 (read back with boto3)")
    func sseKMS() async throws {
        let servers = try TestServers.require()
        var configuration = S3TestSupport.configuration(endpoint: servers.s3Endpoint, servers: servers)
        configuration.sseKMSKeyID = "arn:aws:kms:us-east-1:123456789012:key/millrace-test"
        let client = try S3Client(configuration: configuration, credentials: StaticCredentialsProvider(S3TestSupport.credentials(servers)))
        let bucket = try S3TestSupport.bucket(client, "kms")
        _ = try await client.putObject(bucket: bucket, key: "single", bytes: [1])
        let writer = client.makeWriter(bucket: bucket, key: "multi")
        try writer.write(S3TestSupport.bytes(6 * 1024 * 1024, seed: 1))
        try writer.finish()
        let script = """
            import sys, boto3
            endpoint, key, secret, region, bucket = sys.argv[1:6]
            s3 = boto3.client("s3", endpoint_url=endpoint, region_name=region, aws_access_key_id=key, aws_secret_access_key=secret)
            for name in ("single", "multi"):
                head = s3.head_object(Bucket=bucket, Key=name)
                print(head.get("ServerSideEncryption"), head.get("SSEKMSKeyId"))
            """
        let output = try await Subprocess.python(script, arguments: [servers.s3Endpoint, servers.accessKeyID, servers.secretAccessKey, servers.region, bucket])
        let lines = output.split(separator: "\n")
        #expect(lines.count == 2)
        for line in lines {
            #expect(line == "aws:kms arn:aws:kms:us-east-1:123456789012:key/millrace-test")
        }
    }

    @Test("virtual-hosted addressing works end to end: bucket.localhost reaches moto, and boto3 (path style) finds the objects")
    func virtualHosted() async throws {
        let servers = try TestServers.require()
        // libcurl resolves every *.localhost name to the loopback address itself (no DNS), and
        // moto takes the bucket from the Host header's first label.
        let port = try #require(servers.s3Endpoint.split(separator: ":").last.map(String.init))
        var configuration = S3TestSupport.configuration(endpoint: "http://localhost:\(port)", servers: servers)
        configuration.addressing = .virtualHosted
        let client = try S3Client(configuration: configuration, credentials: StaticCredentialsProvider(S3TestSupport.credentials(servers)))
        let bucket = "millrace-virtual-\(UUID().uuidString.prefix(8).lowercased())"
        let target = try client.address(S3Request(operation: "PutObject", method: "PUT", bucket: bucket, key: "dir/v.bin", isIdempotent: true))
        #expect(target.host == "\(bucket).localhost:\(port)")
        #expect(target.path == "/dir/v.bin")

        try await client.createBucket(bucket)
        let data = S3TestSupport.bytes(70_000, seed: 70)
        _ = try await client.putObject(bucket: bucket, key: "dir/v.bin", bytes: data)
        _ = try await client.putObject(bucket: bucket, key: "dir/w x+y.bin", bytes: [1, 2])
        #expect(try await client.getObject(bucket: bucket, key: "dir/v.bin").bytes == data)
        #expect(try await client.headObject(bucket: bucket, key: "dir/w x+y.bin").contentLength == 2)
        #expect(try await client.listAllObjects(bucket: bucket, prefix: "dir/").map(\.key) == ["dir/v.bin", "dir/w x+y.bin"])

        let script = """
            import hashlib, sys, boto3
            endpoint, key, secret, region, bucket = sys.argv[1:6]
            s3 = boto3.client("s3", endpoint_url=endpoint, region_name=region, aws_access_key_id=key, aws_secret_access_key=secret)
            for name in ("dir/v.bin", "dir/w x+y.bin"):
                print(name, hashlib.sha256(s3.get_object(Bucket=bucket, Key=name)["Body"].read()).hexdigest())
            """
        let output = try await Subprocess.python(
            script, arguments: [servers.s3Endpoint, servers.accessKeyID, servers.secretAccessKey, servers.region, bucket])
        #expect(output.split(separator: "\n") == [
            "dir/v.bin \(Hex.encode(try Digest.sha256(data)))", "dir/w x+y.bin \(Hex.encode(try Digest.sha256([1, 2])))",
        ])
        let deleted = try await client.deleteObjects(bucket: bucket, keys: ["dir/v.bin", "dir/w x+y.bin"])
        #expect(deleted.deleted.count == 2)
        #expect(try await client.listAllObjects(bucket: bucket).isEmpty)
    }

    @Test("the async forms run the same operations off the cooperative pool")
    func asyncForms() async throws {
        let servers = try TestServers.require()
        let client = try S3TestSupport.client(servers)
        let bucket = try await Task.detached { try S3TestSupport.bucket(client, "async") }.value
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<16 {
                group.addTask {
                    let data = S3TestSupport.bytes(1000 + index, seed: UInt64(index))
                    _ = try await client.putObject(bucket: bucket, key: "k\(index)", bytes: data)
                    let read = try await client.getObject(bucket: bucket, key: "k\(index)")
                    #expect(read.bytes == data)
                }
            }
            try await group.waitForAll()
        }
        #expect(try await client.listAllObjects(bucket: bucket).count == 16)
        let head = try await client.headObject(bucket: bucket, key: "k3")
        #expect(head.contentLength == 1003)
    }
}
