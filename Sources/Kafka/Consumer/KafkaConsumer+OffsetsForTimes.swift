/// Offsets by time, for backfills over date ranges.
extension KafkaConsumer {
    /// For each partition, the offset of the first message whose timestamp is at or after the
    /// given time (ms since the Unix epoch, UTC). When no message is that late: the offset just
    /// past the last message this consumer can read (the high watermark, unless the log ends in
    /// transaction markers or records `isolationLevel` hides), so reading from the answer never
    /// skips a message at or after the time.
    ///
    /// Asks the brokers first (ListOffsets by timestamp). Where a broker answers -1 (no such
    /// message, or, like librdkafka 2.0.2's mock cluster, no support for the lookup), the
    /// offset is found by binary search over the partition's offsets, reading single messages
    /// with a private consumer at this consumer's isolation level, across gaps (control
    /// records, aborted transactions) anywhere in the log: O(log n) rounds, each reading the
    /// probes of every such partition at once. The search assumes timestamps do not decrease
    /// with offsets (see `OffsetTimestampSearch`).
    ///
    /// - Parameter timeout: longest wait for each broker request and each probe read.
    public func offsetsForTimes(_ times: [KafkaTopicPartition: Int64], timeout: Duration) throws -> [KafkaTopicPartitionOffset] {
        let partitions = times.keys.sorted()
        guard !partitions.isEmpty else { return [] }
        let timeoutMs = timeout.clampedMilliseconds
        let query = partitions.map { KafkaTopicPartitionOffset($0, offset: times[$0] ?? 0) }
        var results: [KafkaTopicPartition: Int64] = [:]
        var unanswered: [KafkaTopicPartition] = []
        for (answer, code) in try client.offsetsForTimes(query, timeoutMs: timeoutMs) {
            if code == .noError && answer.offset >= 0 {
                results[answer.topicPartition] = answer.offset
            } else if code != .noError && code != .unsupportedFeature && code != .unknown {
                throw KafkaError(code, "offsets for times of \(answer.topicPartition): \(code.name)")
            } else {
                unanswered.append(answer.topicPartition)
            }
        }
        if !unanswered.isEmpty {
            // The searches of every unanswered partition advance in lockstep: each round reads
            // all their probes at once, so the plan of a topic costs O(log n) round trips, not
            // O(partitions × log n).
            let watermarks = try client.watermarks(unanswered, timeoutMs: timeoutMs)
            var searches = Dictionary(uniqueKeysWithValues: unanswered.map { partition in
                (partition, OffsetTimestampSearch(atOrAfter: times[partition] ?? 0, in: watermarks[partition] ?? KafkaWatermarks(low: 0, high: 0)))
            })
            let probe = try RDKafkaOffsetProbe(
                connection: configuration.connection, isolationLevel: configuration.isolationLevel, timeoutMs: timeoutMs, logger: logger)
            while true {
                let round = searches.compactMapValues(\.nextProbe)
                guard !round.isEmpty else { break }
                for (partition, found) in try probe.firstMessages(round) {
                    searches[partition]?.take(found)
                }
            }
            for (partition, search) in searches { results[partition] = search.answer }
        }
        // Every partition has its answer: from the brokers, or its search run to the end.
        return partitions.compactMap { partition in results[partition].map { KafkaTopicPartitionOffset(partition, offset: $0) } }
    }
}
