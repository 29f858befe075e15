/// Whether the worker is alive, as `/healthz` reports it: its pipeline loop advanced within the
/// bound, and no batch has been open longer than it. The bound is twice the batch window plus
/// the shutdown grace (2 minutes by default): a commit that retries, a backoff, a dimension
/// refresh all fit in it; a loop stuck in a call that never returns, or a batch that never
/// commits, does not. Before the loop starts (dimensions loading, the group joining) the worker
/// counts as alive: orchestrators give start-up its own allowance (a startup probe, ECS's
/// `startPeriod`). Pure; times are monotonic ms.
public struct Liveness: Sendable, Hashable {
    /// When the loop last advanced; nil before it started.
    public private(set) var lastProgressMillis: Int64?
    /// When the open batch got its first record; nil when none is open.
    public private(set) var batchOpenedAtMillis: Int64?
    /// How long the loop may go without advancing, and a batch stay open, in ms.
    public private(set) var boundMillis: Int64 = .max

    /// Not started.
    public init() {}

    /// The loop advanced at `atMillis` with a batch open since `batchOpenedAtMillis` (nil: none),
    /// under `boundMillis`.
    public mutating func progressed(atMillis: Int64, batchOpenedAtMillis: Int64?, boundMillis: Int64) {
        lastProgressMillis = atMillis
        self.batchOpenedAtMillis = batchOpenedAtMillis
        self.boundMillis = boundMillis
    }

    /// Healthy, or the reason it is not, at `nowMillis`.
    public func verdict(nowMillis: Int64) -> (healthy: Bool, reason: String) {
        guard let lastProgressMillis else { return (true, "starting") }
        let stalled = nowMillis - lastProgressMillis
        if stalled > boundMillis {
            return (false, "the pipeline has not advanced for \(stalled / 1000) s (bound \(boundMillis / 1000) s)")
        }
        if let opened = batchOpenedAtMillis, nowMillis - opened > boundMillis {
            return (false, "a batch has been open for \((nowMillis - opened) / 1000) s without committing (bound \(boundMillis / 1000) s)")
        }
        return (true, "ok")
    }
}
