import Logging
import Synchronization

/// Collects client-level errors (`error_cb`) until the next poll reports them, and keeps the
/// first fatal one. Bounded: past `capacity` pending errors the oldest are dropped (they are
/// logged as they arrive).
final class KafkaErrorInbox: Sendable {
    private let logger: Logger
    private let pending = Mutex<(errors: [KafkaError], fatal: KafkaError?)>(([], nil))
    private let capacity = 64

    init(logger: Logger) {
        self.logger = logger
    }

    /// Records `error` (called from librdkafka's callbacks).
    func report(_ error: KafkaError) {
        if error.isFatal {
            logger.error("Kafka client fatal error", metadata: ["error": "\(error)"])
        } else {
            logger.warning("Kafka client error", metadata: ["error": "\(error)"])
        }
        pending.withLock { state in
            if error.isFatal, state.fatal == nil { state.fatal = error }
            state.errors.append(error)
            if state.errors.count > capacity { state.errors.removeFirst(state.errors.count - capacity) }
        }
    }

    /// The first fatal error, if any was reported.
    var fatal: KafkaError? { pending.withLock { $0.fatal } }

    /// The pending non-fatal errors, removed.
    func drain() -> [KafkaError] {
        pending.withLock { state in
            defer { state.errors.removeAll() }
            return state.errors
        }
    }
}
