import Catalog
public import Loader
public import Logging
import ServiceLifecycle
import Staging
import Warehouse

/// `millrace load`: the warehouse loader as its own process.
public enum Loading {
    /// How one run of the loader differs from the configured production run.
    public struct Options: Sendable {
        /// Run cycles until everything committed so far is loaded, then return. Default: false
        /// (run until SIGTERM or SIGINT).
        public var once = false
        /// Print the SQL instead of running it; nothing is written. Default: false.
        public var dryRun = false
        /// Load the quarantined batches again (after their cause was fixed). Default: false.
        public var retryQuarantined = false
        /// A local staging folder to read instead of the configured store. Default: nil.
        public var output: String?
        /// Serve `/metrics`, `/healthz` and `/readyz` on `observability.listen` (not with `once`).
        /// Default: true.
        public var servesHealth = true
        /// The environment the AWS settings and credential chain read; nil reads the process's.
        /// Default: nil.
        public var environment: [String: String]?
        /// Tests only: stops the loader dead at a step of a load transaction.
        public var crashHook: LoaderCrashHook?
        /// Receives the dry run's SQL, and each cycle's summary with `once`. Default: nothing.
        public var printer: (@Sendable (String) -> Void)?

        /// The production defaults.
        public init() {}
    }

    /// Runs the loader; returns the reports of the cycles it ran with `once` (none otherwise).
    /// Throws `RuntimeError` (`.configuration` for settings that cannot work) or `LoaderError`.
    @discardableResult
    public static func run(_ configuration: WorkerConfiguration, options: Options, logger: Logger) async throws -> [CycleReport] {
        MemoryTuning.mapLargeAllocations()
        let telemetry = Telemetry(logger: logger)
        let aws = AWSContext(environment: options.environment, staging: configuration.staging, telemetry: telemetry)
        let store = try StagingStores.make(configuration, output: options.output, dryRun: false, aws: aws)
        if options.dryRun {
            let catalog = try EvolvedSchemas(store: store, layout: StagingLayout(deadLetterPrefix: configuration.deadLetter.prefix))
                .addingStored(to: Catalog.load(directory: configuration.schemas.dir))
            let settings = LoaderSettings(load: configuration.loadSettings, dialect: configuration.warehouse.dialect,
                holder: LoaderSettings.defaultHolder())
            let script = try await Loader.dryRunScript(settings: settings, catalog: catalog, store: store)
            options.printer?(script.text)
            return []
        }
        let assembly = try LoaderAssembly(configuration: configuration, store: store, aws: aws, logger: logger)
        let loader = assembly.makeLoader(logger: logger, crashHook: options.crashHook)
        logger.info("loader starting", metadata: [
            "version": "\(Build.version)", "staging": "\(store.location)", "dialect": "\(configuration.warehouse.dialect)", "lease": "\(configuration.leaseName)",
            "interval": .stringConvertible(configuration.warehouse.loadInterval.duration),
        ])
        let schedule = LoadSchedule(interval: configuration.warehouse.loadInterval.duration)
        guard options.once else {
            var services: [any Service] = [LoaderService(loader: loader, schedule: schedule, telemetry: telemetry)]
            if options.servesHealth, let health = try HealthService.make(configuration, telemetry: telemetry) {
                telemetry.emit(.readiness(true))
                services.append(health)
            }
            let group = ServiceGroup(configuration: .init(
                services: services.map { .init(service: $0, successTerminationBehavior: .gracefullyShutdownGroup) },
                logger: logger))
            try await StopSignals.run(group)
            return []
        }
        var reports: [CycleReport] = []
        var retry = options.retryQuarantined
        do {
            while true {
                let report = try await loader.runCycle(retryQuarantined: retry)
                telemetry.emit(.loadCycle(report))
                options.printer?(Self.summary(report))
                reports.append(report)
                if report.heldLease {
                    retry = false
                    if !report.isBehind { break }
                } else {
                    try await Task.sleep(for: schedule.leaseRetry)
                }
            }
        } catch {
            await loader.release()
            throw error
        }
        await loader.release()
        return reports
    }

    /// One line per cycle: what loaded, what waits, what is quarantined, and "data as of".
    static func summary(_ report: CycleReport) -> String {
        guard report.heldLease else {
            if case .heldElsewhere(holder: let holder, until: let until) = report.lease {
                return "load: another loader (\(holder)) holds the lease until \(until); waiting"
            }
            return "load: the lease is not held; waiting"
        }
        var lines = ["load: cycle in \(Int(report.duration.seconds * 1000)) ms, \(report.loads.count) table loads, "
            + "\(report.waiting) (batch, table) pairs waiting, \(report.quarantinedTotal) quarantined"]
        for load in report.loads {
            lines.append("  \(load.table): \(load.batches) batches, \(load.files) files, \(load.rows) rows staged")
        }
        for quarantine in report.quarantined {
            lines.append("  quarantined \(quarantine.batch) for \(quarantine.table): \(quarantine.error)")
        }
        for freshness in report.freshness {
            lines.append("  \(freshness.table) data as of \(freshness.dataAsOf ?? "-")\(freshness.frozen ? " (frozen by a quarantine)" : "")")
        }
        return lines.joined(separator: "\n")
    }
}
