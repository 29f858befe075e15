/// Finds the first offset whose timestamp is at or after a target, by binary search over a
/// partition's offsets: the fallback for brokers that answer ListOffsets-by-timestamp with -1
/// (librdkafka 2.0.2's mock cluster does, for every query).
///
/// It assumes timestamps do not decrease with offsets, which holds for `LogAppendTime` and
/// for one producer writing in order with `CreateTime`; with out-of-order producer clocks the
/// answer is a valid offset near the boundary, as with any index by time.
enum OffsetTimestampSearch {
    /// The message a probe found: the first one at or after the probed offset.
    struct Probe: Equatable, Sendable {
        /// Its offset (at or after the probed one: offsets may have gaps).
        var offset: Int64
        /// Its timestamp in ms since the Unix epoch, or nil when it has none (treated as
        /// earlier than any target).
        var timestampMs: Int64?
    }

    /// The offset of the first message in `watermarks` whose timestamp is `>= targetMs`, or
    /// `watermarks.high` when there is none (reading from there waits for new messages).
    ///
    /// - Parameter probe: reads the first message at or after an offset (nil past the end).
    ///   Called O(log n) times, plus once for the last message.
    static func firstOffset(
        atOrAfter targetMs: Int64,
        in watermarks: KafkaWatermarks,
        probe: (Int64) throws -> Probe?
    ) rethrows -> Int64 {
        guard watermarks.high > watermarks.low else { return watermarks.high }
        // The last message decides the common "after everything" case in one probe.
        guard let last = try probe(watermarks.high - 1), reaches(last, targetMs) else {
            return watermarks.high
        }
        // Lower bound of P(o) = "the first message at or after o reaches the target", which
        // is false ... false, true ... true over [low, high) given ordered timestamps.
        var low = watermarks.low
        var high = watermarks.high - 1
        var answer = last.offset
        while low <= high {
            let middle = low + (high - low) / 2
            if let found = try probe(middle), reaches(found, targetMs) {
                answer = found.offset
                high = middle - 1
            } else {
                low = middle + 1
            }
        }
        return answer
    }

    private static func reaches(_ probe: Probe, _ targetMs: Int64) -> Bool {
        (probe.timestampMs ?? .min) >= targetMs
    }
}
