import Engine
import Foundation
import Kafka
import MillraceTesting
import Runtime
import Staging
import Testing

/// `millrace run --dry-run` as a developer runs it: the real binary with no AWS credentials
/// anywhere in its environment, against librdkafka's mock cluster.
@Suite("millrace run --dry-run")
struct DryRunProcessTests {
    @Test("dry-run needs no AWS credentials, stages locally and prints the loader's COPY and MERGE with exact manifests")
    func dryRunWithoutCredentials() async throws {
        let fixture = try PipelineFixture()
        try await fixture.produce(count: 1200, seed: 121)
        let home = fixture.output.path("empty-home")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let config = fixture.output.path("millrace.yaml")
        try """
            kafka:
              bootstrap_servers: '\(fixture.cluster.bootstrapServers)'
              group_id: dry-run-process
              topics: \(PipelineFixture.topics + PipelineFixture.heartbeatTopics)
              properties: {session.timeout.ms: '6000'}
            schemas: {dir: '\(PackagePaths.schemas.path)'}
            staging: {bucket: eav-olap}
            pipeline: {max_batch_rows: 500}
            observability: {listen: '', log_level: info, log_format: json}
            """.write(to: config, atomically: true, encoding: .utf8)
        let staging = fixture.output.path("out")
        // `env -i`: no AWS_* variable, no profile files (an empty HOME), no instance metadata.
        let result = try await Subprocess.run([
            "env", "-i", "PATH=/usr/bin:/bin", "HOME=\(home.path)", "AWS_EC2_METADATA_DISABLED=true",
            PackagePaths.builtExecutable("millrace").path, "run", "--config", config.path, "--dry-run", "--output", staging.path,
            "--until-drained",
        ], check: false)
        #expect(result.status == 0, "\(result.stderr.suffix(2000))")
        // The startup line names the build's version.
        let starting = result.stderr.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }.first { $0["msg"] as? String == "worker starting" }
        #expect(starting?["version"] as? String == Build.version, "\(result.stderr.prefix(2000))")

        let records = try PipelineFixture.committedRecords(in: staging)
        let store = try LocalStagingStore(root: staging)
        #expect(records.count >= 2)
        let sql = result.output
        #expect(sql.contains("CREATE TABLE IF NOT EXISTS"), "the bootstrap statements are printed once")
        let copies = sql.split(separator: "\n").filter { $0.hasPrefix("COPY ") }
        #expect(copies.count >= records.count && copies.allSatisfy { $0.hasSuffix("FORMAT AS PARQUET MANIFEST;") })
        #expect(sql.components(separatedBy: "MERGE INTO").count - 1 >= records.count)
        // Each manifest lists exactly the staged files, with their exact sizes.
        let manifests = try store.list(prefix: "_millrace/manifests/")
        #expect(!manifests.isEmpty)
        let sizes = Dictionary(uniqueKeysWithValues: records.flatMap(\.files).map { ("s3://eav-olap/\($0.key)", $0.bytes) })
        for manifest in manifests {
            let document = try #require(try JSONSerialization.jsonObject(with: Data(try store.get(manifest.key) ?? [])) as? [String: Any])
            for entry in try #require(document["entries"] as? [[String: Any]]) {
                let url = try #require(entry["url"] as? String)
                let length = ((entry["meta"] as? [String: Any])?["content_length"] as? NSNumber)?.int64Value
                #expect(length == sizes[url], "\(url) in \(manifest.key)")
                let local = staging.appendingPathComponent(String(url.dropFirst("s3://eav-olap/".count)))
                let onDisk = try FileManager.default.attributesOfItem(atPath: local.path)[.size] as? NSNumber
                #expect(onDisk?.int64Value == length, "\(local.path)")
            }
        }
        // Every staged file's footer says which Millrace wrote it, as pyarrow reads it.
        let keys = records.flatMap(\.files).map { staging.appendingPathComponent($0.key).path }
        let createdBy = try await Subprocess.python(#"""
            import sys, pyarrow.parquet as pq
            print("\n".join(sorted({pq.ParquetFile(p).metadata.created_by for p in sys.argv[1:]})))
            """#, arguments: keys)
        #expect(createdBy.trimmingCharacters(in: .whitespacesAndNewlines) == "millrace version \(Build.version)")
    }
}
