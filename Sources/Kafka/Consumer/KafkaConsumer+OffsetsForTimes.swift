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
    /// with a private consumer at this consumer's isolation level: O(log n) fetches per
    /// partition, across gaps (control records, aborted transactions) anywhere in the log. The
    /// search assumes timestamps do not decrease with offsets (see `OffsetTimestampSearch`).
    ///
    /// - Parameter timeout: longest wait for each broker request and each probe read.
    public func offsetsForTimes(_ times: [KafkaTopicPartition: Int64], timeout: Duration) throws -> [KafkaTopicPartitionOffset] {
        let partitions = times.keys.sorted()
        guard !partitions.isEmpty else { return [] }
        let timeoutMs = timeout.clampedMilliseconds
        let query = partitions.map { KafkaTopicPartitionOffset($0, offset: times[$0] ?? 0) }
        let answers = try client.offsetsForTimes(query, timeoutMs: timeoutMs)
        var probe: RDKafkaOffsetProbe?
        var results: [KafkaTopicPartitionOffset] = []
        for (answer, code) in answers {
            let partition = answer.topicPartition
            if code == .noError && answer.offset >= 0 {
                results.append(KafkaTopicPartitionOffset(partition, offset: answer.offset))
                continue
            }
            if code != .noError && code != .unsupportedFeature && code != .unknown {
                throw KafkaError(code, "offsets for times of \(partition): \(code.name)")
            }
            if probe == nil {
                probe = try RDKafkaOffsetProbe(
                    connection: configuration.connection,
                    isolationLevel: configuration.isolationLevel,
                    timeoutMs: timeoutMs,
                    logger: logger
                )
            }
            let watermarks = try client.queryWatermarks(partition, timeoutMs: timeoutMs)
            let offset = try OffsetTimestampSearch.firstOffset(atOrAfter: times[partition] ?? 0, in: watermarks) { candidate in
                try probe?.firstMessage(of: partition, atOrAfter: candidate)
            }
            results.append(KafkaTopicPartitionOffset(partition, offset: offset))
        }
        return results
    }
}

