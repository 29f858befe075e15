import Catalog
import Engine
import Staging
import Warehouse

/// What the loader would do for each committed batch, in dry-run: writes the COPY manifests to
/// the local staging folder and prints the load transaction's SQL instead of running it.
final class DryRunLoader: @unchecked Sendable {
    // Used only from the pipeline thread (the commit callback), so no lock is needed.
    private var catalog: Catalog
    private let store: any StagingStore
    private let layout: StagingLayout
    private let configuration: WorkerConfiguration
    private let output: @Sendable (String) -> Void
    private var printedBootstrap = false

    init(catalog: Catalog, store: any StagingStore, configuration: WorkerConfiguration, output: @escaping @Sendable (String) -> Void) {
        self.catalog = catalog
        self.store = store
        self.layout = StagingLayout(deadLetterPrefix: configuration.deadLetter.prefix)
        self.configuration = configuration
        self.output = output
    }

    func handle(_ record: CommitRecord) {
        do {
            // Versions this process has not seen: from the record's own change, else from the
            // staging store (a version an earlier batch committed, e.g. one recovered on
            // assignment, or a record of an earlier build that carried no declaration).
            let announced = Dictionary(record.schemaChanges.map { ("\($0.table)/\($0.toVersion)", $0.definition) }) { first, _ in first }
            let used = record.files.map { ($0.table, $0.schemaVersion) } + record.schemaChanges.map { ($0.table, $0.toVersion) }
            for (table, version) in used where catalog.table(table)?.version(version) == nil {
                var yaml = announced["\(table)/\(version)"] ?? ""
                if yaml.isEmpty, let stored = try store.get(layout.schemaKey(table: table, version: version)) {
                    yaml = String(decoding: stored, as: UTF8.self)
                }
                catalog = try catalog.adding(version: Catalog.definition(yaml: yaml))
            }
            let planner = LoadPlanner(
                catalog: catalog, dialect: SQLDialect(named: configuration.warehouse.dialect) ?? .redshift,
                settings: LoadSettings(
                    bucket: configuration.staging.bucket, prefix: configuration.staging.prefix,
                    iamRole: configuration.warehouse.iamRole, schema: configuration.warehouse.schema,
                    pipeline: configuration.kafka.groupID, deleteRetention: configuration.warehouse.deleteRetention.duration))
            if !printedBootstrap {
                output("-- once, before the first load:\n" + planner.bootstrapStatements.joined(separator: "\n") + "\n")
                printedBootstrap = true
            }
            let plan = try planner.plan([record], loadID: "load-\(record.batchID.rawValue)")
            for manifest in plan.manifests {
                try store.put(manifest.key, data: Array(manifest.json.utf8))
            }
            output(plan.script)
        } catch {
            output("-- cannot plan the load of batch \(record.batchID): \(error)\n")
        }
    }
}
