import ArgumentParser
import CMalloc
import Catalog
import Foundation
import Loader
import Logging
import Staging
import Warehouse

/// `millrace-bench load-copy`: streams every staged file of one table from a local staging
/// folder into a PostgreSQL table through the loader's COPY path (Parquet reader → COPY text →
/// `COPY … FROM STDIN`), in one transaction, and prints one JSON line of figures. The table is a
/// regular one with the staged columns, as the peer (`psql \copy` of the same rows as CSV) fills.
struct LoadCopyBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load-copy", abstract: "Copy a table's staged Parquet files into PostgreSQL with the loader's COPY path."
    )

    @Option(help: "The local staging folder.") var staging: String
    @Option(help: "postgresql://user@host:port/database") var pg: String
    @Option(help: "The table to create and fill.") var into: String
    @Option(help: "The staged table whose files to copy.") var table: String = "fact_entity_values"
    @Option(help: "The registry folder.") var schemas: String = "Schemas"

    func run() async throws {
        // As `millrace load` does (Runtime's MemoryTuning): large buffers go back to the system.
        _ = millrace_map_large_allocations(1 << 20)
        let store = try LocalStagingStore(root: URL(fileURLWithPath: staging))
        let records = try store.list(prefix: StagingLayout.commitsPrefix).compactMap { try store.record($0.key) }
        let files = records.flatMap(\.files).filter { $0.table == table }.sorted { $0.key < $1.key }
        let catalog = try EvolvedSchemas(store: store, layout: StagingLayout()).addingVersions(usedBy: records, to: Catalog.load(directory: schemas))
        guard let version = Set(files.map(\.schemaVersion)).first, Set(files.map(\.schemaVersion)).count == 1,
            let definition = catalog.table(table)?.version(version)
        else { throw ValidationError("the staged files of \(table) must all have one known schema version") }
        let create = definition.stagingTableSQL(named: into, dialect: .postgres).replacingOccurrences(of: "CREATE TEMP TABLE", with: "CREATE TABLE")
        let copy = StagedCopy(stagingTable: into, definition: definition, files: files, manifest: Manifest(key: "", json: ""), statement: "")
        let plan = LoadPlan(loadID: "bench", table: table, batches: [], steps: [.sql(create), .copy(copy)])
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let executor = PostgresExecutor(url: try PostgresURL(pg), password: nil, dialect: .postgres, logger: logger)
        let start = ContinuousClock.now
        try await executor.load(plan, store: store, crashHook: nil)
        let elapsed = ContinuousClock.now - start
        await executor.close()
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rows = files.reduce(0) { $0 + $1.rows }
        print("{\"rows\":\(rows),\"files\":\(files.count),\"bytes\":\(files.reduce(Int64(0)) { $0 + $1.bytes }),\"seconds\":\(seconds),"
            + "\"rows_per_second\":\(Double(rows) / seconds)}")
    }
}
