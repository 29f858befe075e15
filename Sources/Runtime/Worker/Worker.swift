import AWS
import Engine
import Loader
import Staging
public import Logging
import ServiceLifecycle

/// The worker: `millrace run`. Runs the pipeline and the health endpoint as a service group
/// that drains on SIGTERM or SIGINT: the open batch is committed and the group left, or, when
/// that fails or outlasts `pipeline.shutdown_grace`, `run` throws (`millrace run` exits 1).
public enum Worker {
    /// Runs until a shutdown signal (or, with `stopWhenDrained`, until the input is drained).
    /// Throws `RuntimeError` with `.configuration` or `.authentication` for fatal setup errors.
    public static func run(_ configuration: WorkerConfiguration, options: WorkerOptions = WorkerOptions(), logger: Logger) async throws {
        MemoryTuning.mapLargeAllocations()
        let telemetry = options.telemetry ?? Telemetry(logger: logger)
        let assembly: WorkerAssembly
        do {
            assembly = try WorkerAssembly(configuration: configuration, options: options, telemetry: telemetry)
        } catch let error as RuntimeError {
            throw error
        } catch let error as AWSError {
            // Reading the evolved schemas from the staging store: fatal only when retrying cannot help.
            throw FatalErrors.classify(error)
                ?? RuntimeError(.staging, "cannot read the staging store at startup: \(error)", underlying: error)
        } catch {
            // The key template, Schemas/ and the client settings: they need a fix, not a restart.
            throw RuntimeError(.configuration, "cannot set up the worker: \(error)", underlying: error)
        }
        var services: [any Service] = [PipelineService(shutdownGrace: configuration.pipeline.shutdownGrace.duration) { try assembly.makePipeline() }]
        if configuration.warehouse.loadInWorker && !options.dryRun {
            // The loader as another service of the worker; the warehouse lease keeps one active.
            let loading = try LoaderAssembly(configuration: configuration, store: assembly.store, aws: assembly.aws, logger: logger)
            services.append(LoaderService(
                loader: loading.makeLoader(logger: logger), schedule: LoadSchedule(interval: configuration.warehouse.loadInterval.duration),
                telemetry: telemetry))
        }
        if options.servesHealth, let health = try HealthService.make(configuration, telemetry: telemetry) {
            services.append(health)
        }
        logger.info("worker starting", metadata: [
            "version": "\(Build.version)", "group": "\(configuration.kafka.groupID)", "topics": "\(configuration.kafka.topics)",
            "staging": "\(assembly.store.location)", "dry_run": .stringConvertible(options.dryRun),
        ])
        let group = ServiceGroup(configuration: .init(
            services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0, successTerminationBehavior: .gracefullyShutdownGroup) },
            logger: logger))
        try await StopSignals.run(group)
    }
}
