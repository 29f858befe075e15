import Foundation
import ServiceLifecycle
import Synchronization

/// Runs a pipeline on its own thread as a swift-service-lifecycle service.
///
/// The pipeline is built on that thread (its decoder and builders never leave it). Graceful
/// shutdown (SIGTERM, SIGINT) or cancellation asks it to stop: it commits the open batch, leaves
/// the consumer group and returns, and `run` returns with it.
final class PipelineService: Service {
    private let stop = Atomic<Bool>(false)
    private let make: @Sendable () throws -> Pipeline

    /// A service running the pipeline `make` builds.
    init(make: @escaping @Sendable () throws -> Pipeline) {
        self.make = make
    }

    func run() async throws {
        try await withTaskCancellationHandler {
            try await withGracefulShutdownHandler {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                    let thread = Thread { [self] in
                        do {
                            let pipeline = try make()
                            try pipeline.run { self.stop.load(ordering: .acquiring) }
                            continuation.resume()
                        } catch {
                            continuation.resume(throwing: error)
                        }
                    }
                    thread.name = "millrace-pipeline"
                    thread.stackSize = 8 << 20
                    thread.start()
                }
            } onGracefulShutdown: {
                self.stop.store(true, ordering: .releasing)
            }
        } onCancel: {
            self.stop.store(true, ordering: .releasing)
        }
    }
}

/// Serves `/metrics`, `/healthz` and `/readyz` until shutdown.
final class HealthService: Service {
    private let server: HealthServer

    init(server: HealthServer) {
        self.server = server
    }

    func run() async throws {
        await withGracefulShutdownHandler {
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                try? await Task.sleep(for: .milliseconds(200))
            }
        } onGracefulShutdown: {}
        server.stop()
    }
}
