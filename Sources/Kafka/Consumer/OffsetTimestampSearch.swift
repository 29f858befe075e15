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
enum OffsetTimestampSearch {
    /// The message a probe found: the first readable one at or after the probed offset.
    struct Probe: Equatable, Sendable {
        /// Its offset (at or after the probed one: offsets may have gaps).
        var offset: Int64
        /// Its timestamp in ms since the Unix epoch, or nil when it has none (treated as
        /// earlier than any target).
        var timestampMs: Int64?
    }

    /// The offset of the first readable message in `watermarks` whose timestamp is
    /// `>= targetMs`. When there is none, the offset just past the last readable message:
    /// `watermarks.high` when the log ends in a readable message, else the start of the trailing
    /// gap (control records, aborted or not yet committed records), so that reading from the
    /// answer skips only messages earlier than the target.
    ///
    /// - Parameter probe: reads the first readable message at or after an offset (nil when
    ///   none remains before the end). Called O(log n) times, plus once for the last offset.
    static func firstOffset(
        atOrAfter targetMs: Int64,
        in watermarks: KafkaWatermarks,
        probe: (Int64) throws -> Probe?
    ) rethrows -> Int64 {
        guard watermarks.high > watermarks.low else { return watermarks.high }
        // The common "after everything" case costs one probe when the last offset is readable.
        // When it is not (a commit marker ends every transactional log), the search decides.
        let last = try probe(watermarks.high - 1)
        if let last, !reaches(last, targetMs) { return watermarks.high }
        // So does the "before everything" case (a backfill from before the retained log): one
        // more probe instead of a search, once per partition of a plan.
        guard let first = try probe(watermarks.low) else { return watermarks.low }
        if reaches(first, targetMs) { return first.offset }
        // Lower bound of P(o) = "nothing readable remains at or after o, or the first readable
        // message there reaches the target": false ... false, true ... true over
        // [low, high] given ordered timestamps, and true at `high`, which needs no probe.
        var low = watermarks.low
        var high = watermarks.high
        var answer = watermarks.high
        while low < high {
            let middle = low + (high - low) / 2
            let found = try probe(middle)
            if let found, !reaches(found, targetMs) {
                low = middle + 1
            } else {
                answer = found?.offset ?? middle
                high = middle
            }
        }
        return answer
    }

    private static func reaches(_ probe: Probe, _ targetMs: Int64) -> Bool {
        (probe.timestampMs ?? .min) >= targetMs
    }
}
