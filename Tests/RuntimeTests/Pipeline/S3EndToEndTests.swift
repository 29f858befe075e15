import AWS
import Engine
import Foundation
import Logging
import LoadGen
import MillraceTesting
import Runtime
import Staging
import Testing

/// The worker staging to S3 for real: moto_server with every SigV4 signature verified.
@Suite("End to end: mock Kafka → worker → S3 (moto, SigV4 enforced)", .serialized)
struct S3EndToEndTests {
    @Test("batches are committed exactly once in S3; the attribute snapshot is read from S3; every object is signed and readable")
    func stagesToS3() async throws {
        let servers = try TestServers.require()
        let fixture = try PipelineFixture()
        try await fixture.produce(count: 1500, seed: 41) { settings in
            settings.duplicateRate = 0.05
            settings.malformedRate = 0.01
        }
        let run = try await fixture.s3Run(servers, group: "s3-e2e")
        let (client, bucket) = (run.client, run.bucket)
        var configuration = run.configuration
        configuration.pipeline.maxBatchRows = 500
        configuration.staging.prefix = "e2e/"
        // The snapshot dimension is read from S3 too, through the same signed client.
        let snapshotKey = "dimensions/dim_attributes.csv"
        _ = try await client.putObject(bucket: bucket, key: snapshotKey, bytes: Array(try Data(contentsOf: fixture.attributesSnapshot)))
        configuration.dimensions["dim_attributes"] = SnapshotDimensionSettings(snapshot: "s3://\(bucket)/\(snapshotKey)")
        try await Worker.run(configuration, options: run.options, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))

        let objects = try await client.listAllObjects(bucket: bucket, prefix: "e2e/")
        #expect(objects.contains { $0.key.hasPrefix("e2e/_millrace/commits/") })
        try await fixture.mirror(client, bucket: bucket, prefix: "e2e/")
        await #expect(try fixture.exactlyOnceViolations() == [])
        #expect(try fixture.orphans() == [])
        #expect(try await client.listMultipartUploads(bucket: bucket).isEmpty)
        // Every generated attribute is in the snapshot: a miss means it was not loaded from S3.
        let records = try fixture.committedRecords()
        #expect(records.reduce(0) { $0 + $1.stats.rowsOut } > 0)
        #expect(records.reduce(0) { $0 + ($1.stats.enrichmentMisses["dim_attributes"] ?? 0) } == 0)
    }
}
