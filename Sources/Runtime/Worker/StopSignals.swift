import Foundation
public import ServiceLifecycle
import Synchronization

/// The number of the first SIGTERM or SIGINT received, or 0. Stored only by the signal handler
/// (an atomic store is async-signal-safe).
private let receivedSignal = Atomic<Int32>(0)

/// SIGTERM and SIGINT caught with a plain `signal` handler, installed synchronously so a
/// signal sent right after start-up is never lost. A second signal ends the process at once
/// (exit 130), for an operator who does not want to wait for the open batch.
///
/// The worker and the loader use it for their service groups too (`run(_:)`), which then trap
/// no signals themselves: one handler per process, installed before any service starts, and a
/// flag the pipeline reads directly besides the group's graceful shutdown.
public enum StopSignals {
    /// Installs the handler for both signals.
    public static func install() {
        for number in [SIGTERM, SIGINT] {
            signal(number) { caught in
                if receivedSignal.compareExchange(expected: 0, desired: caught, ordering: .relaxed).exchanged { return }
                _exit(130)
            }
        }
    }

    /// The first signal received, or 0.
    public static var received: Int32 { receivedSignal.load(ordering: .relaxed) }

    /// Waits until a signal arrived (checking every 50 ms) and returns its number, or nil when
    /// the task is cancelled first.
    public static func wait() async -> Int32? {
        while received == 0 {
            do {
                try await Task.sleep(for: .milliseconds(50))
            } catch {
                return nil
            }
        }
        return received
    }

    /// Runs `group` until it ends, turning the first SIGTERM or SIGINT into its graceful
    /// shutdown (the group itself traps no signals).
    public static func run(_ group: ServiceGroup) async throws {
        install()
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                if await wait() != nil { await group.triggerGracefulShutdown() }
            }
            defer { tasks.cancelAll() }
            try await group.run()
        }
    }
}
