import Engine
import Foundation
import LoadGen
import MillraceTesting
import Runtime
import Staging
import Testing

/// A Debezium DDL rollout interleaves old and new schema versions of one table. Every record
/// is projected onto the newest superset schema, so churn never adds files (the Confluent S3
/// sink rolls a file per schema change and multiplies them).
@Suite("Schema churn", .serialized)
struct SchemaChurnTests {
    private func stagedFiles(addColumnAt: Int?) async throws -> (files: [StagedFile], changes: [SchemaChangeNote]) {
        let fixture = try PipelineFixture()
        try await fixture.produce(count: 2000, seed: 51) { settings in
            settings.addColumnAt = addColumnAt
            settings.rolloutWindow = 1500  // old and new versions interleave for 1500 records
        }
        var configuration = fixture.configuration(group: "churn")
        configuration.pipeline.window = .seconds(30)
        try await fixture.runUntilDrained(configuration)
        let records = try fixture.committedRecords()
        return (records.flatMap(\.files), records.flatMap(\.schemaChanges))
    }

    @Test("interleaved versions land in the same files as unchanged traffic, at the newest version")
    func noExtraFiles() async throws {
        let steady = try await stagedFiles(addColumnAt: nil)
        let churned = try await stagedFiles(addColumnAt: 300)
        let facts = { (files: [StagedFile]) in files.filter { $0.table == "fact_entity_values" } }
        #expect(churned.changes.map(\.toVersion) == [2])
        #expect(steady.changes.isEmpty)
        #expect(facts(churned.files).count == facts(steady.files).count)
        #expect(Set(facts(churned.files).map(\.schemaVersion)) == [2])
        #expect(churned.files.count == steady.files.count)
    }
}
