import AWS
import Engine
import Foundation
import MillraceTesting
import Runtime
import Staging
import Testing

/// The S3 staging store's atomic create, on moto with every SigV4 signature verified: moto
/// 5.2.1 honours `If-None-Match: *` on PutObject (412 Precondition Failed when the key exists),
/// which is what schema version claims rest on (issue 12, hole 4).
@Suite("S3 staging store (moto, SigV4 enforced)")
struct S3StagingStoreTests {
    private func store(_ servers: TestServers) async throws -> S3StagingStore {
        let environment = [
            "AWS_ACCESS_KEY_ID": servers.accessKeyID, "AWS_SECRET_ACCESS_KEY": servers.secretAccessKey, "AWS_REGION": servers.region,
        ]
        let client = try S3Client(
            configuration: S3Configuration(region: servers.region, endpoint: Endpoint(servers.s3Endpoint), addressing: .pathStyle),
            credentials: CredentialsChain.standard(environment: AWSEnvironment(variables: environment)))
        let bucket = "millrace-claims-\(UInt32.random(in: 0...UInt32.max))"
        try await client.createBucket(bucket)
        return S3StagingStore(client: client, bucket: bucket, prefix: "stage")
    }

    @Test("of concurrent creators of one key exactly one wins, its bytes stay, and a later create is refused")
    func createOnce() async throws {
        let store = try await store(try TestServers.require())
        let key = "_millrace/claims/fact_entity_values/v2.yaml"
        let winners = await withTaskGroup(of: (Int, Bool).self) { group in
            for writer in 0..<6 {
                group.addTask {
                    await Task.detached { (writer, (try? store.create(key, data: Array("writer \(writer)\n".utf8))) ?? false) }.value
                }
            }
            return await group.reduce(into: [Int]()) { if $1.1 { $0.append($1.0) } }
        }
        #expect(winners.count == 1, "\(winners)")
        let stored = try await Task.detached { try store.get(key) }.value
        #expect(stored == Array("writer \(winners.first ?? -1)\n".utf8))
        let late = try await Task.detached { try store.create(key, data: Array("late\n".utf8)) }.value
        #expect(!late)
        #expect(try await Task.detached { try store.get(key) }.value == stored)
    }

    @Test("a claim on S3 refuses a second declaration of the same version")
    func claimConflict() async throws {
        let store = try await store(try TestServers.require())
        let committer = StagingCommitter(store: store, fence: SingleWriterFence(), layout: StagingLayout())
        let code = try await Task.detached { () -> EngineError.Code? in
            try committer.claimSchemaVersion(table: "t", version: 2, definition: "first\n")
            try committer.claimSchemaVersion(table: "t", version: 2, definition: "first\n")
            do {
                try committer.claimSchemaVersion(table: "t", version: 2, definition: "second\n")
                return nil
            } catch let error as EngineError {
                return error.code
            }
        }.value
        #expect(code == .schemaConflict)
    }
}
