import Catalog
import Staging
import Warehouse

/// What the loader would do for each committed batch, in dry-run: writes the COPY manifests to
/// the local staging folder and prints the SQL instead of running it.
final class DryRunLoader: @unchecked Sendable {
    // Used only from the pipeline thread (the commit callback), so no lock is needed.
    private var catalog: Catalog
    private let store: any StagingStore
    private let evolved: EvolvedSchemas
    private let configuration: WorkerConfiguration
    private let output: @Sendable (String) -> Void
    private var printedBootstrap = false

    init(catalog: Catalog, store: any StagingStore, configuration: WorkerConfiguration, output: @escaping @Sendable (String) -> Void) {
        self.catalog = catalog
        self.store = store
        evolved = EvolvedSchemas(store: store, layout: StagingLayout(deadLetterPrefix: configuration.deadLetter.prefix))
        self.configuration = configuration
        self.output = output
    }

    func handle(_ record: CommitRecord) {
        do {
            catalog = try evolved.addingVersions(usedBy: [record], to: catalog)
            let planner = LoadPlanner(catalog: catalog, dialect: configuration.warehouse.dialect, settings: configuration.loadSettings)
            if !printedBootstrap {
                output("-- once, before the first load (each statement on its own):\n" + planner.bootstrapStatements.joined(separator: "\n") + "\n")
                printedBootstrap = true
            }
            let script = try planner.script(
                for: [record], loadID: "load-\(record.batchID.rawValue)", lease: LeaseGrant(name: configuration.leaseName, token: 1))
            if configuration.warehouse.dialect == .redshift {
                for manifest in script.manifests { try store.put(manifest.key, data: Array(manifest.json.utf8)) }
            }
            output(script.text)
        } catch {
            output("-- cannot plan the load of batch \(record.batchID): \(error)\n")
        }
    }
}
