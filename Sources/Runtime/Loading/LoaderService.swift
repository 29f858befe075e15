import Loader
import Logging
import ServiceLifecycle

/// Runs load cycles on `warehouse.load_interval` as a swift-service-lifecycle service, in
/// `millrace load` or inside `millrace run`. A cycle that leaves work behind is followed at once;
/// a failed one after a full-jitter backoff. Graceful shutdown ends the cycle between tables
/// and gives the lease up, so a standby loader takes over at once.
final class LoaderService: Service {
    private let loader: Loader
    private let schedule: LoadSchedule
    private let telemetry: Telemetry

    init(loader: Loader, schedule: LoadSchedule, telemetry: Telemetry) {
        self.loader = loader
        self.schedule = schedule
        self.telemetry = telemetry
    }

    func run() async throws {
        var failures = 0
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let started = ContinuousClock.now
            let outcome: LoadSchedule.Outcome
            do {
                let report = try await loader.runCycle { Task.isShuttingDownGracefully || Task.isCancelled }
                telemetry.emit(.loadCycle(report))
                failures = 0
                outcome = report.heldLease ? .loaded(behind: report.isBehind) : .waitingForLease
            } catch {
                failures += 1
                telemetry.emit(.loadFailed(error))
                if error.code == .configuration {
                    await loader.release()
                    throw RuntimeError(.configuration, error.message, underlying: error)
                }
                outcome = .failed(consecutive: failures)
            }
            let delay = schedule.delay(after: outcome, took: .now - started, unitRandom: Double.random(in: 0..<1))
            guard delay > .zero else { continue }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: delay) }
        }
        await loader.release()
    }
}
