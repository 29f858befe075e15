import Dispatch

/// Runs blocking work (staging-store reads, Parquet decoding) on a dispatch queue of its own, so
/// the caller's task suspends instead of blocking a thread of Swift's cooperative pool.
struct BlockingIO: Sendable {
    private let queue: DispatchQueue

    /// A serial queue named `label`.
    init(label: String) {
        queue = DispatchQueue(label: label)
    }

    /// The result of `work`, run on the queue.
    func run<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try work() }) }
        }
    }
}
