import AWS
import Catalog
import Foundation
import Loader
import Logging
import Staging
import Warehouse

/// Builds the loader from the configuration: the staging store it reads, the catalog (with the
/// evolved versions the store keeps), and the executor for the warehouse it writes.
struct LoaderAssembly: Sendable {
    let configuration: WorkerConfiguration
    let store: any StagingStore
    let catalog: Catalog
    let executor: any WarehouseExecutor

    /// The parts for `configuration`, reading `store` with `aws`'s credentials.
    init(configuration: WorkerConfiguration, store: any StagingStore, aws: AWSContext, logger: Logger) throws {
        self.configuration = configuration
        self.store = store
        let layout = StagingLayout(deadLetterPrefix: configuration.deadLetter.prefix)
        catalog = try EvolvedSchemas(store: store, layout: layout).addingStored(to: Catalog.load(directory: configuration.schemas.dir))
        executor = try Self.executor(configuration.warehouse, store: store, aws: aws, logger: logger)
    }

    /// The executor `warehouse` names: the PostgreSQL wire protocol when `url` is set, else the
    /// Redshift Data API. Refuses what cannot work: PostgreSQL without a URL, Redshift reading a
    /// local folder (COPY reads S3), a Data API target missing its cluster or workgroup.
    static func executor(_ warehouse: WarehouseSettings, store: any StagingStore, aws: AWSContext, logger: Logger) throws
        -> any WarehouseExecutor
    {
        if warehouse.dialect == .redshift && !(store is S3StagingStore) {
            throw RuntimeError(.configuration, "Redshift COPY reads staged files from S3: set staging.bucket (the store is \(store.location))")
        }
        guard !warehouse.url.isEmpty else {
            guard warehouse.dialect == .redshift else {
                throw RuntimeError(.configuration, "warehouse.dialect is postgres: set warehouse.url to postgresql://user@host:port/database")
            }
            guard !warehouse.redshiftData.isEmpty else {
                throw RuntimeError(.configuration, "set warehouse.url (PostgreSQL wire) or warehouse.redshift_data.cluster_id or .workgroup "
                    + "(the Redshift Data API)")
            }
            do {
                return RedshiftDataExecutor(client: try aws.redshiftData(warehouse.redshiftData))
            } catch let error as AWSError {
                throw RuntimeError(.configuration, "warehouse.redshift_data: \(error.message)", underlying: error)
            }
        }
        let url: PostgresURL
        do {
            url = try PostgresURL(warehouse.url)
        } catch {
            throw RuntimeError(.configuration, error.message)
        }
        return PostgresExecutor(url: url, password: try password(warehouse, url: url), dialect: warehouse.dialect, logger: logger)
    }

    /// The password when the URL has none: `warehouse.password_file`, else `PGPASSWORD`.
    static func password(_ warehouse: WarehouseSettings, url: PostgresURL, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws -> String?
    {
        if url.password != nil { return nil }
        if !warehouse.passwordFile.isEmpty {
            do {
                return try String(contentsOfFile: warehouse.passwordFile, encoding: .utf8).trimmingCharacters(in: .newlines)
            } catch {
                throw RuntimeError(.configuration, "cannot read warehouse.password_file \(warehouse.passwordFile): \(error.localizedDescription)")
            }
        }
        return environment["PGPASSWORD"]
    }

    /// The loader's settings.
    var settings: LoaderSettings {
        let warehouse = configuration.warehouse
        return LoaderSettings(
            load: configuration.loadSettings, dialect: warehouse.dialect,
            limits: LoadLimits(maxBatches: warehouse.maxBatchesPerLoad, maxFiles: warehouse.maxFilesPerLoad,
                maxBytes: Int64(warehouse.maxBytesPerLoad.bytes), maxRows: warehouse.maxRowsPerLoad),
            leaseTTL: warehouse.leaseTTL.duration, holder: LoaderSettings.defaultHolder(),
            layout: StagingLayout(deadLetterPrefix: configuration.deadLetter.prefix))
    }

    /// The loader.
    func makeLoader(logger: Logger, crashHook: LoaderCrashHook? = nil) -> Loader {
        Loader(settings: settings, catalog: catalog, store: store, executor: executor, logger: logger, crashHook: crashHook)
    }
}
