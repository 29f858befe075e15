import Foundation
import Synchronization

/// The number of the first SIGTERM or SIGINT received, or 0. Stored only by the signal handler
/// (an atomic store is async-signal-safe).
private let receivedSignal = Atomic<Int32>(0)

/// SIGTERM and SIGINT caught with a plain `signal` handler, installed synchronously so a
/// signal sent right after start-up is never lost. A second signal ends the process at once
/// (exit 130), for an operator who does not want to wait for the open batch.
enum StopSignals {
    /// Installs the handler for both signals.
    static func install() {
        for number in [SIGTERM, SIGINT] {
            signal(number) { caught in
                if receivedSignal.compareExchange(expected: 0, desired: caught, ordering: .relaxed).exchanged { return }
                _exit(130)
            }
        }
    }

    /// The first signal received, or 0.
    static var received: Int32 { receivedSignal.load(ordering: .relaxed) }

    /// Waits until a signal arrived (checking every 50 ms) and returns its number.
    static func wait() async -> Int32 {
        while received == 0 {
            try? await Task.sleep(for: .milliseconds(50))
        }
        return received
    }
}
