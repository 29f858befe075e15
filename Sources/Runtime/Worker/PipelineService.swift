import Foundation
import Retry
import ServiceLifecycle
import Synchronization

/// Runs a pipeline on its own thread as a swift-service-lifecycle service.
///
/// The pipeline is built on that thread (its decoder and builders never leave it). Graceful
/// shutdown (SIGTERM, SIGINT) or cancellation asks it to stop: it commits the open batch, leaves
/// the consumer group and returns, and `run` returns with it. If that takes longer than
/// `shutdownGrace`, `run` throws instead (the process then exits without the batch, as a crash
/// would: the commit protocol leaves nothing half-committed).
final class PipelineService: Service {
    private let stop = Atomic<Bool>(false)
    private let make: @Sendable () throws -> Pipeline
    private let shutdownGrace: Duration
    /// The caller's continuation, resumed once: by the pipeline thread, or by the grace timer.
    private let waiting = Mutex<CheckedContinuation<Void, any Error>?>(nil)

    /// A service running the pipeline `make` builds, stopping within `shutdownGrace` of a request.
    init(shutdownGrace: Duration, make: @escaping @Sendable () throws -> Pipeline) {
        self.shutdownGrace = shutdownGrace
        self.make = make
    }

    func run() async throws {
        try await withTaskCancellationHandler {
            try await withGracefulShutdownHandler {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                    waiting.withLock { $0 = continuation }
                    let thread = Thread { [self] in
                        do {
                            let pipeline = try make()
                            // The signal itself too, not only the group's shutdown it triggers.
                            try pipeline.run { self.stop.load(ordering: .acquiring) || StopSignals.received != 0 }
                            finish(.success(()))
                        } catch {
                            finish(.failure(error))
                        }
                    }
                    thread.name = "millrace-pipeline"
                    thread.stackSize = 8 << 20
                    thread.start()
                }
            } onGracefulShutdown: {
                self.requestStop()
            }
        } onCancel: {
            self.requestStop()
        }
    }

    private func finish(_ result: Result<Void, any Error>) {
        waiting.withLock { $0.take() }?.resume(with: result)
    }

    /// Asks the pipeline to stop and starts the grace timer (once).
    private func requestStop() {
        guard !stop.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let grace = shutdownGrace
        let timer = Thread { [self] in
            RetryPolicy.threadSleep(grace)
            finish(.failure(RuntimeError(
                .staging,
                "the open batch did not commit within pipeline.shutdown_grace (\(grace)); stopping without it: the group's next owner recovers it if its offsets were committed, or reads its records again")))
        }
        timer.name = "millrace-shutdown-grace"
        timer.start()
    }
}

/// Serves `/metrics`, `/healthz` and `/readyz` until shutdown.
final class HealthService: Service {
    private let server: HealthServer

    init(server: HealthServer) {
        self.server = server
    }

    /// The service on `observability.listen`, serving `telemetry`; nil when `listen` is empty.
    static func make(_ configuration: WorkerConfiguration, telemetry: Telemetry) throws -> HealthService? {
        guard !configuration.observability.listen.isEmpty else { return nil }
        let address = try ListenAddress(configuration.observability.listen)
        let server = try HealthServer(
            host: address.host, port: address.port, responder: .init(metrics: { telemetry.exposition() }, isReady: { telemetry.isReady }, health: { telemetry.health }))
        return HealthService(server: server)
    }

    /// Serves until the service group shuts down (the server runs on its own thread; nothing
    /// here polls).
    func run() async throws {
        try? await gracefulShutdown()
        server.stop()
    }
}
