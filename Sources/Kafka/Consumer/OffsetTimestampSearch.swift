/// Finds the first offset whose timestamp is at or after a target, by binary search over a
/// partition's offsets: the fallback for brokers that answer ListOffsets-by-timestamp with -1
/// (librdkafka 2.0.2's mock cluster does, for every query).
///
/// Not every offset holds a readable message: transaction control records (commit and abort
/// markers), records of aborted transactions under `read_committed`, records not yet stable
/// (an open transaction) and compacted-away records leave gaps, anywhere in the log and often
/// at its end. A probe answers the first readable message at or after an offset, so gaps are
/// skipped; a probe that finds none means nothing readable remains from there.
///
/// It assumes timestamps do not decrease with offsets, which holds for `LogAppendTime` and
/// for one producer writing in order with `CreateTime`; with out-of-order producer clocks the
/// answer is a valid offset near the boundary, as with any index by time.
struct OffsetTimestampSearch: Sendable {
    /// The message a probe found: the first readable one at or after the probed offset.
    struct Probe: Equatable, Sendable {
        /// Its offset (at or after the probed one: offsets may have gaps).
        var offset: Int64
        /// Its timestamp in ms since the Unix epoch, or nil when it has none (treated as
        /// earlier than any target).
        var timestampMs: Int64?
    }

    private enum Phase: Sendable {
        /// Probing the last offset: the common "after everything" case costs one probe when
        /// it is readable (when it is not, a commit marker ends every transactional log, the
        /// search decides).
        case last
        /// Probing the first offset: the "before everything" case (a backfill from before the
        /// retained log) costs one more probe instead of a search.
        case first
        /// Lower bound of P(o) = "nothing readable remains at or after o, or the first readable
        /// message there reaches the target": false ... false, true ... true over
        /// [low, high] given ordered timestamps, and true at `high`, which needs no probe.
        case bisect(low: Int64, high: Int64, found: Int64)
        case done(Int64)
    }

    private let targetMs: Int64
    private let watermarks: KafkaWatermarks
    private var phase: Phase

    /// A search for the first readable message in `watermarks` whose timestamp is
    /// `>= targetMs`. When there is none, its answer is the offset just past the last readable
    /// message: `watermarks.high` when the log ends in a readable message, else the start of
    /// the trailing gap (control records, aborted or not yet committed records), so that
    /// reading from the answer skips only messages earlier than the target. It takes O(log n)
    /// probes, plus one for the last offset; searches of many partitions advance in lockstep,
    /// each round's probes read together.
    init(atOrAfter targetMs: Int64, in watermarks: KafkaWatermarks) {
        self.targetMs = targetMs
        self.watermarks = watermarks
        phase = watermarks.high > watermarks.low ? .last : .done(watermarks.high)
    }

    /// The offset whose first readable message at or after it the search needs next; nil once
    /// it has its answer.
    var nextProbe: Int64? {
        switch phase {
        case .last: watermarks.high - 1
        case .first: watermarks.low
        case .bisect(let low, let high, _): low + (high - low) / 2
        case .done: nil
        }
    }

    /// The answer, once found.
    var answer: Int64? {
        if case .done(let offset) = phase { return offset }
        return nil
    }

    /// Takes what the probe at `nextProbe` found: the first readable message at or after it,
    /// or nil when none remains before the end.
    mutating func take(_ found: Probe?) {
        switch phase {
        case .last:
            if let found, !reaches(found) { phase = .done(watermarks.high) } else { phase = .first }
        case .first:
            guard let found else {
                phase = .done(watermarks.low)
                return
            }
            phase = reaches(found) ? .done(found.offset) : Self.next(low: watermarks.low, high: watermarks.high, found: watermarks.high)
        case .bisect(var low, var high, var answer):
            let middle = low + (high - low) / 2
            if let found, !reaches(found) {
                low = middle + 1
            } else {
                answer = found?.offset ?? middle
                high = middle
            }
            phase = Self.next(low: low, high: high, found: answer)
        case .done:
            break
        }
    }

    private static func next(low: Int64, high: Int64, found: Int64) -> Phase {
        low < high ? .bisect(low: low, high: high, found: found) : .done(found)
    }

    private func reaches(_ probe: Probe) -> Bool {
        (probe.timestampMs ?? .min) >= targetMs
    }
}
