/// Which heartbeat may stand for the partitions a worker has read to their end.
///
/// Debezium writes a heartbeat after the changes before it, so once a partition is read to its
/// end, nothing the source wrote to it before the heartbeat can still be on its way, provided
/// the end was seen after the heartbeat was appended. The worker knows only when it consumed a
/// heartbeat (after its append) and whether a partition is at its end now; an end-of-partition
/// state can be one fetch old. So a heartbeat qualifies once it was consumed at least `margin`
/// before the batch closes (a fetch's wait plus a safety allowance): the loader's "data as of"
/// then lags the truth by at most that, and never runs ahead of it. Pure; times are monotonic ms.
public struct HeartbeatWindow: Sendable {
    /// How long before the close a heartbeat must have been consumed, in ms.
    public let marginMillis: Int64
    /// Heartbeats not yet superseded by a qualifying one, oldest first.
    private var recent: [(sourceMillis: Int64, seenAtMillis: Int64)] = []
    /// The newest heartbeat that qualified so far.
    private var qualified: Int64?

    /// A window whose heartbeats qualify `marginMillis` after they were consumed.
    public init(marginMillis: Int64) {
        self.marginMillis = marginMillis
    }

    /// Records a heartbeat of source time `sourceMillis` consumed at `atMillis`.
    public mutating func seen(sourceMillis: Int64, atMillis: Int64) {
        recent.append((sourceMillis, atMillis))
        // Bounded: at Debezium's 10 s cadence a few are pending at a time; keep the newest.
        if recent.count > 1_024 { recent.removeFirst(recent.count - 1_024) }
    }

    /// The newest heartbeat consumed at least the margin before `nowMillis`, or nil.
    public mutating func qualifying(nowMillis: Int64) -> Int64? {
        while let first = recent.first, first.seenAtMillis <= nowMillis - marginMillis {
            qualified = max(qualified ?? .min, first.sourceMillis)
            recent.removeFirst()
        }
        return qualified
    }
}
