@testable import Kafka
import Testing

/// The search over an in-memory `Log` standing in for a partition: the mock cluster cannot
/// produce compaction gaps, aborted transactions or arbitrary timestamp orders. The real path
/// (broker lookup, then this search with librdkafka probes) is covered by
/// `ConsumerOffsetTests.offsetsForTimesFallback` and, across commit markers,
/// `offsetsForTimesAcrossTransactionMarkers`.
@Suite("OffsetTimestampSearch")
struct OffsetTimestampSearchTests {
    /// A log of readable (offset, timestamp) entries with gaps (compaction, transaction markers,
    /// aborted records) and equal timestamps, up to `high` (past the last entry when the log
    /// ends in unreadable offsets), and a probe over it that counts its calls.
    final class Log: @unchecked Sendable {
        let entries: [(offset: Int64, timestamp: Int64)]
        let watermarks: KafkaWatermarks
        var probes = 0

        init(_ entries: [(Int64, Int64)], low: Int64? = nil, high: Int64? = nil) {
            self.entries = entries.map { (offset: $0.0, timestamp: $0.1) }
            watermarks = KafkaWatermarks(low: low ?? entries.first?.0 ?? 0, high: high ?? (entries.last?.0 ?? -1) + 1)
        }

        func probe(_ offset: Int64) -> OffsetTimestampSearch.Probe? {
            probes += 1
            return entries.first { $0.offset >= offset }.map { .init(offset: $0.offset, timestampMs: $0.timestamp) }
        }

        func search(_ target: Int64) -> Int64 {
            OffsetTimestampSearch.firstOffset(atOrAfter: target, in: watermarks, probe: probe)
        }
    }

    let log = Log([(100, 1_000), (101, 1_000), (103, 2_000), (104, 2_500), (107, 2_500), (108, 9_000), (110, 9_500)])

    @Test("known answers over a log with gaps and repeated timestamps", arguments: [
        (Int64(0), Int64(100)),  // before everything: the first message
        (1_000, 100),  // equal to the first timestamp
        (1_001, 103),  // between: the next message, across the gap at 102
        (2_500, 104),  // first of two equal timestamps
        (2_501, 108),
        (9_500, 110),  // the last message
        (9_501, 111),  // after everything: the high watermark
    ])
    func knownAnswers(target: Int64, expected: Int64) {
        #expect(log.search(target) == expected)
    }

    /// The `log` above ending in three unreadable offsets (a commit marker, or aborted records
    /// and an abort marker under read_committed), as every transactional partition ends.
    let endingInMarkers = Log([(100, 1_000), (101, 1_000), (103, 2_000), (104, 2_500), (107, 2_500), (108, 9_000), (110, 9_500)], high: 114)

    @Test("a log ending in unreadable offsets: known answers, the offset after the last message when none is late enough", arguments: [
        (Int64(0), Int64(100)), (1_001, 103), (2_501, 108), (9_500, 110), (9_501, 111),
    ])
    func gapAtTheEnd(target: Int64, expected: Int64) {
        #expect(endingInMarkers.search(target) == expected)
    }

    @Test("a long unreadable stretch in the middle (an aborted transaction) is skipped in both directions", arguments: [
        (Int64(0), Int64(0)), (490, 49), (491, 5_000), (5_000, 5_000), (5_199, 5_199), (5_200, 5_200),
    ])
    func gapInTheMiddle(target: Int64, expected: Int64) {
        // Offsets 0 ..< 50 at 10 ms steps, 50 ..< 5_000 unreadable, 5_000 ..< 5_200 at 1 ms
        // steps from 5_000 ms, then one marker.
        let log = Log((0..<50).map { (Int64($0), Int64($0) * 10) } + (5_000..<5_200).map { (Int64($0), Int64($0)) }, high: 5_201)
        #expect(log.search(target) == expected)
    }

    @Test("a partition holding only unreadable offsets answers its start")
    func nothingReadable() {
        let markers = Log([], low: 7, high: 10)
        #expect(markers.search(0) == 7)
    }

    @Test("an empty partition answers its high watermark without probing")
    func emptyPartition() {
        let empty = Log([])
        #expect(OffsetTimestampSearch.firstOffset(atOrAfter: 5, in: KafkaWatermarks(low: 42, high: 42), probe: empty.probe) == 42)
        #expect(empty.probes == 0)
    }

    @Test("the number of probes grows with log2 of the partition size")
    func logarithmicProbes() {
        let big = Log((0..<100_000).map { (Int64($0), Int64($0) * 10) })
        #expect(big.search(123_450) == 12_345)
        #expect(big.probes <= 19)
    }

    @Test("a target at or before the first message, or after the last, costs at most two probes")
    func edgesWithoutSearch() {
        let before = Log((0..<100_000).map { (Int64($0) + 500, Int64($0) * 10 + 7) })
        #expect(before.search(7) == 500 && before.probes == 2)
        let after = Log((0..<100_000).map { (Int64($0), Int64($0) * 10) })
        #expect(after.search(1_000_000) == 100_000 && after.probes == 1)
    }

    @Test("messages without timestamp count as earlier than any target")
    func missingTimestamps() {
        let entries: [OffsetTimestampSearch.Probe] = [.init(offset: 0, timestampMs: nil), .init(offset: 1, timestampMs: 50)]
        let found = OffsetTimestampSearch.firstOffset(atOrAfter: 10, in: KafkaWatermarks(low: 0, high: 2)) { offset in
            entries.first { $0.offset >= offset }
        }
        #expect(found == 1)
    }
}

extension OffsetTimestampSearch {
    /// One search run to its answer with `probe`, as `KafkaConsumer.offsetsForTimes` runs the
    /// searches of many partitions at once (a round of probes read together per step).
    static func firstOffset(atOrAfter target: Int64, in watermarks: KafkaWatermarks, probe: (Int64) -> Probe?) -> Int64 {
        var search = OffsetTimestampSearch(atOrAfter: target, in: watermarks)
        while let offset = search.nextProbe { search.take(probe(offset)) }
        return search.answer ?? -1
    }
}
