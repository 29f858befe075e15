import CRdKafka

/// Offsets: commit, committed, seek, pause, watermarks and lookups by time.
extension RDKafkaClient {
    /// Commits `offsets` (with metadata) and waits for the coordinator's answer.
    ///
    /// Uses `rd_kafka_commit_queue` without a queue, which blocks and hands the per-partition
    /// results to a callback on this thread (rdkafka_offset.c), so a refusal names the
    /// partitions it concerns. Without a coordinator librdkafka retries for up to
    /// `session.timeout.ms` before failing with `_WAIT_COORD`.
    func commit(_ offsets: [KafkaTopicPartitionOffset]) throws(KafkaError) {
        var outcome = CommitOutcome()
        let code = RDKafkaTopicPartitionList.with(offsets) { list in
            withUnsafeMutablePointer(to: &outcome) { pointer in
                rd_kafka_commit_queue(handle, list, nil, commitResultCallback, pointer)
            }
        }
        guard code != RD_KAFKA_RESP_ERR_NO_ERROR else { return }
        let failed = outcome.partitions.filter { $0.1 != .noError }
        let detail = failed.isEmpty ? "" : " (" + failed.map { "\($0.0.topicPartition): \($0.1.name)" }.joined(separator: ", ") + ")"
        if code == RD_KAFKA_RESP_ERR__FATAL, let fatal = fatalError {
            throw fatal
        }
        throw KafkaError(KafkaError.Code(rawValue: code.rawValue), "offset commit refused: \(RDKafkaErrorNames.text(of: code.rawValue))\(detail)")
    }

    /// The group's committed offsets and metadata for `partitions` (`rd_kafka_committed`);
    /// `KafkaOffset.invalid` where the group never committed.
    func committed(_ partitions: [KafkaTopicPartition], timeoutMs: Int32) throws(KafkaError) -> [KafkaTopicPartitionOffset] {
        try RDKafkaTopicPartitionList.with(partitions, offset: KafkaOffset.invalid) { list throws(KafkaError) in
            try KafkaError.check(rd_kafka_committed(handle, list, timeoutMs), while: "reading committed offsets")
            return try Self.checkedElements(list, while: "reading committed offsets")
        }
    }

    /// The next offset the application will read per partition (`rd_kafka_position`);
    /// `KafkaOffset.invalid` before anything was consumed.
    func position(_ partitions: [KafkaTopicPartition]) throws(KafkaError) -> [KafkaTopicPartitionOffset] {
        try RDKafkaTopicPartitionList.with(partitions, offset: KafkaOffset.invalid) { list throws(KafkaError) in
            try KafkaError.check(rd_kafka_position(handle, list), while: "reading positions")
            return try Self.checkedElements(list, while: "reading positions")
        }
    }

    /// Moves the fetch position of assigned partitions (`rd_kafka_seek_partitions`).
    func seek(_ offsets: [KafkaTopicPartitionOffset], timeoutMs: Int32) throws(KafkaError) {
        try RDKafkaTopicPartitionList.with(offsets) { list throws(KafkaError) in
            try KafkaError.check(rd_kafka_seek_partitions(handle, list, timeoutMs), while: "seeking")
            _ = try Self.checkedElements(list, while: "seeking")
        }
    }

    /// Stops (`paused`) or restarts fetching `partitions`.
    func setPaused(_ paused: Bool, _ partitions: [KafkaTopicPartition]) throws(KafkaError) {
        try RDKafkaTopicPartitionList.with(partitions, offset: KafkaOffset.invalid) { list throws(KafkaError) in
            let operation = paused ? "pausing" : "resuming"
            let code = paused ? rd_kafka_pause_partitions(handle, list) : rd_kafka_resume_partitions(handle, list)
            try KafkaError.check(code, while: operation)
            _ = try Self.checkedElements(list, while: operation)
        }
    }

    /// Asks the partition's leader for its watermarks (`rd_kafka_query_watermark_offsets`).
    func queryWatermarks(_ partition: KafkaTopicPartition, timeoutMs: Int32) throws(KafkaError) -> KafkaWatermarks {
        var low: Int64 = 0
        var high: Int64 = 0
        let code = rd_kafka_query_watermark_offsets(handle, partition.topic, partition.partition, &low, &high, timeoutMs)
        try KafkaError.check(code, while: "querying watermarks of \(partition)")
        return KafkaWatermarks(low: low, high: high)
    }

    /// The broker's answer to ListOffsets by timestamp (`rd_kafka_offsets_for_times`): per
    /// partition the earliest offset whose timestamp is at or after the given one (ms), or -1.
    func offsetsForTimes(_ query: [KafkaTopicPartitionOffset], timeoutMs: Int32) throws(KafkaError) -> [(KafkaTopicPartitionOffset, KafkaError.Code)] {
        try RDKafkaTopicPartitionList.with(query) { list throws(KafkaError) in
            try KafkaError.check(rd_kafka_offsets_for_times(handle, list, timeoutMs), while: "looking up offsets by time")
            return RDKafkaTopicPartitionList.readWithErrors(list)
        }
    }

    /// The watermarks of `partitions`: two ListOffsets requests per leader broker for all of
    /// them (earliest and latest, `rd_kafka_offsets_for_times` with librdkafka's logical
    /// offsets -2 and -1, which it sends as ListOffsets' timestamps of the same meaning), where
    /// `rd_kafka_query_watermark_offsets` takes one request per partition and waits behind a
    /// long-poll fetch on a consumer already fetching. The latest offset is the one this
    /// client's `isolation.level` reads up to, as `queryWatermarks` answers.
    func watermarks(_ partitions: [KafkaTopicPartition], timeoutMs: Int32) throws(KafkaError) -> [KafkaTopicPartition: KafkaWatermarks] {
        guard !partitions.isEmpty else { return [:] }
        var low: [KafkaTopicPartition: Int64] = [:]
        for (answer, code) in try offsetsForTimes(partitions.map { KafkaTopicPartitionOffset($0, offset: KafkaOffset.beginning) }, timeoutMs: timeoutMs) {
            guard code == .noError else { throw KafkaError(code, "querying the watermarks of \(answer.topicPartition): \(code.name)") }
            low[answer.topicPartition] = answer.offset
        }
        var result: [KafkaTopicPartition: KafkaWatermarks] = [:]
        for (answer, code) in try offsetsForTimes(partitions.map { KafkaTopicPartitionOffset($0, offset: KafkaOffset.end) }, timeoutMs: timeoutMs) {
            guard code == .noError else { throw KafkaError(code, "querying the watermarks of \(answer.topicPartition): \(code.name)") }
            result[answer.topicPartition] = KafkaWatermarks(low: low[answer.topicPartition] ?? 0, high: answer.offset)
        }
        return result
    }

    /// The elements of `list`, throwing the first per-partition error.
    private static func checkedElements(_ list: RDKafkaTopicPartitionList.Pointer, while operation: String) throws(KafkaError) -> [KafkaTopicPartitionOffset] {
        let elements = RDKafkaTopicPartitionList.readWithErrors(list)
        if let (failed, code) = elements.first(where: { $0.1 != .noError }) {
            throw KafkaError(code, "\(operation) for \(failed.topicPartition): \(RDKafkaErrorNames.text(of: code.rawValue))")
        }
        return elements.map(\.0)
    }
}

/// What `commitResultCallback` saw.
private struct CommitOutcome {
    var partitions: [(KafkaTopicPartitionOffset, KafkaError.Code)] = []
}

/// Receives `rd_kafka_commit_queue`'s result, synchronously on the committing thread.
private func commitResultCallback(
    _ rk: OpaquePointer?,
    _ code: rd_kafka_resp_err_t,
    _ offsets: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?,
    _ opaque: UnsafeMutableRawPointer?
) {
    guard let opaque, let offsets else { return }
    let outcome = opaque.assumingMemoryBound(to: CommitOutcome.self)
    outcome.pointee.partitions = RDKafkaTopicPartitionList.readWithErrors(offsets)
}
