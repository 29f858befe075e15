import Catalog
import Foundation
import MillraceTesting
@testable import Runtime
import Testing

/// Names in the configuration that must match `Schemas/` (checked when the worker starts).
@Suite("Configured names against Schemas/")
struct NameCheckTests {
    private let catalog: Catalog

    init() throws {
        catalog = try Catalog.load(directory: PackagePaths.schemas.path)
    }

    @Test("the defaults and a consistent selection pass")
    func consistent() throws {
        try ConfigurationCheck.names(WorkerConfiguration(), catalog: catalog)
        var configuration = WorkerConfiguration()
        configuration.kafka.topics = ["postgres.eav.entity_values_ts"]
        configuration.schemas.tables = ["fact_entity_values"]
        configuration.dimensions["dim_attributes"] = SnapshotDimensionSettings(snapshot: "a.csv")
        try ConfigurationCheck.names(configuration, catalog: catalog)
    }

    @Test("unknown names and a consumed topic without its table are refused", arguments: [
        ("tables", "schemas.tables names fact_entity_value, which is not a table"),
        ("dimensions", "dimensions.dim_attribute is not a table"),
        ("topics", "kafka.topics includes postgres.eav.entity_jsonb, whose table"),
    ])
    func refused(change: String, message: String) {
        var configuration = WorkerConfiguration()
        switch change {
        case "tables": configuration.schemas.tables = ["fact_entity_value"]
        case "dimensions": configuration.dimensions["dim_attribute"] = SnapshotDimensionSettings(snapshot: "a.csv")
        default:
            configuration.kafka.topics = ["postgres.eav.entity_values_ts", "postgres.eav.entity_jsonb"]
            configuration.schemas.tables = ["fact_entity_values"]
        }
        let error = #expect(throws: RuntimeError.self) { try ConfigurationCheck.names(configuration, catalog: catalog) }
        #expect(error?.code == .configuration)
        #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
    }
}
