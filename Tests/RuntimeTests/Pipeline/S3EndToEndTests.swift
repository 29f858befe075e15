import AWS
import Engine
import Foundation
import Logging
import LoadGen
import MillraceTesting
import Runtime
import Testing

/// The worker staging to S3 for real: moto_server with every SigV4 signature verified.
@Suite("End to end: mock Kafka → worker → S3 (moto, SigV4 enforced)", .serialized)
struct S3EndToEndTests {
    @Test("batches are committed exactly once in S3; every object is signed and readable by pyarrow and DuckDB")
    func stagesToS3() async throws {
        let servers = try TestServers.require()
        let fixture = try PipelineFixture()
        try await fixture.produce(count: 1500, seed: 41) { settings in
            settings.duplicateRate = 0.05
            settings.malformedRate = 0.01
        }
        let environment = [
            "AWS_ACCESS_KEY_ID": servers.accessKeyID, "AWS_SECRET_ACCESS_KEY": servers.secretAccessKey,
            "AWS_REGION": servers.region,
        ]
        let bucket = "millrace-e2e-\(UInt32.random(in: 0...UInt32.max))"
        let s3 = S3Configuration(region: servers.region, endpoint: Endpoint(servers.s3Endpoint), addressing: .pathStyle)
        let client = try S3Client(configuration: s3, credentials: CredentialsChain.standard(environment: AWSEnvironment(variables: environment)))
        try await client.createBucket(bucket)

        var configuration = fixture.configuration(group: "s3-e2e")
        configuration.pipeline.maxBatchRows = 500
        configuration.staging.bucket = bucket
        configuration.staging.prefix = "e2e/"
        configuration.staging.endpoint = servers.s3Endpoint
        configuration.staging.region = servers.region
        configuration.staging.pathStyle = true
        var options = WorkerOptions()
        options.stopWhenDrained = true
        options.servesHealth = false
        options.environment = environment
        try await Worker.run(configuration, options: options, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))

        // Mirror the bucket into the fixture's folder and check it with the same invariants.
        let objects = try await client.listAllObjects(bucket: bucket, prefix: "e2e/")
        #expect(objects.contains { $0.key.hasPrefix("e2e/_millrace/commits/") })
        for object in objects {
            let local = fixture.output.path(String(object.key.dropFirst("e2e/".count)))
            try FileManager.default.createDirectory(at: local.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(try await client.getObject(bucket: bucket, key: object.key).bytes).write(to: local)
        }
        #expect(try fixture.exactlyOnceViolations() == [])
        #expect(try fixture.orphans() == [])
        #expect(try await client.listMultipartUploads(bucket: bucket).isEmpty)
    }
}
