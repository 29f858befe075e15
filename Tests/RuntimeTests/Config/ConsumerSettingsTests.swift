import Foundation
import Kafka
import Logging
import MillraceTesting
@testable import Runtime
import Testing

/// How `kafka:` settings reach the worker's consumers.
@Suite("Worker consumer settings")
struct ConsumerSettingsTests {
    @Test("group_instance_id makes the group consumer a static member; the dimension followers stay dynamic")
    func staticMembership() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        var configuration = try ConfigurationLoader.parse(
            "kafka:\n  group_instance_id: pod-0\n  properties: {fetch.max.bytes: '1048576'}\n", source: "c.yaml")
        configuration.schemas.dir = PackagePaths.schemas.path
        var options = WorkerOptions()
        options.dryRun = true
        options.outputDirectory = folder.url.path
        let assembly = try WorkerAssembly(
            configuration: configuration, options: options, telemetry: Telemetry(logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })))
        let group = try assembly.consumerConfiguration()
        #expect(group.groupInstanceID == "pod-0")
        #expect(group.connection.properties["fetch.max.bytes"] == "1048576")
        #expect(try assembly.consumerConfiguration(group: "millrace-eav.dimension.dim_entities").groupInstanceID == nil)
        #expect(try assembly.consumerConfiguration().groupID == "millrace-eav")
    }
}
