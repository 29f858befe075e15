import Logging
import Synchronization

/// Offsets: the fencing commit, committed offsets, positions, seeking, pausing and lag.
extension KafkaConsumer {
    /// Commits `offsets` (each the next offset to read, with optional metadata) and waits for
    /// the group coordinator's answer. This is the exactly-once fence: the coordinator refuses
    /// a commit from a stale generation or an unknown member.
    ///
    /// Refused before any request when a partition is not owned by this member (it was
    /// revoked or lost), when metadata exceeds `maxOffsetMetadataBytes`, or when an offset is
    /// negative. While the coordinator answers `REBALANCE_IN_PROGRESS` the commit is retried
    /// for up to `rebalanceCommitRetryMs`. May be called from the rebalance handler, including
    /// during `close`; it blocks the calling thread.
    ///
    /// Commit the offsets you processed (last processed + 1), not `position`: a revoke can
    /// interrupt a poll whose fetched messages librdkafka already counts as handed over.
    ///
    /// - Throws: `KafkaError`: `isFencing` (`.illegalGeneration`, `.unknownMemberID`,
    ///   `.rebalanceInProgress`, `.fencedInstanceID`, `.assignmentLost`) means abandon the
    ///   work for these partitions; `isRetriable` means retry with backoff.
    public func commit(_ offsets: [KafkaTopicPartitionOffset]) throws {
        guard !offsets.isEmpty else { return }
        try state.withLock { state throws(KafkaError) in try state.checkUsable() }
        for entry in offsets {
            guard entry.offset >= 0 else {
                throw KafkaError(.invalidArgument, "cannot commit \(entry): offsets to commit are 0 or more")
            }
            let metadataBytes = entry.metadata?.utf8.count ?? 0
            guard metadataBytes <= configuration.maxOffsetMetadataBytes else {
                throw KafkaError(.offsetMetadataTooLarge, "commit metadata for \(entry.topicPartition) has \(metadataBytes) bytes; at most \(configuration.maxOffsetMetadataBytes) are accepted")
            }
        }
        let deadline = ContinuousClock.now + .milliseconds(configuration.rebalanceCommitRetryMs)
        var backoff = Duration.milliseconds(20)
        while true {
            let notOwned = state.withLock { state in offsets.map(\.topicPartition).filter { !state.owns($0) } }
            guard notOwned.isEmpty else {
                throw KafkaError(.assignmentLost, "commit refused: this member does not own \(notOwned.map(\.description).joined(separator: ", "))")
            }
            let member = client.memberID()
            if state.withLock({ $0.isStaleMembership(member) }) {
                throw KafkaError(.assignmentLost, "commit refused: this consumer left the group since its partitions were assigned (it rejoins as a new member)")
            }
            let failure: KafkaError
            do {
                try client.commit(offsets)
                return
            } catch {
                failure = error
            }
            guard failure.code == .rebalanceInProgress, ContinuousClock.now + backoff < deadline else {
                throw failure
            }
            // The group is completing a rebalance this member is still part of; the commit
            // goes through once every member synced (see `rebalanceCommitRetryMs`).
            logger.debug("commit waits for the rebalance to complete", metadata: ["backoff": .stringConvertible(backoff)])
            blockingSleep(backoff)
            backoff = min(backoff * 2, .milliseconds(250))
        }
    }

    /// The group's committed offset and metadata for each of `partitions`, in the same order;
    /// `offset` is `KafkaOffset.invalid` (and `metadata` nil) where the group never committed.
    public func committed(_ partitions: [KafkaTopicPartition], timeout: Duration) throws -> [KafkaTopicPartitionOffset] {
        guard !partitions.isEmpty else { return [] }
        try state.withLock { state throws(KafkaError) in try state.checkUsable() }
        return try client.committed(partitions, timeoutMs: timeout.clampedMilliseconds)
    }

    /// The fetch position of each of `partitions`: one past the last message librdkafka
    /// handed to a poll call (`KafkaOffset.invalid` before any). Inside a rebalance handler it
    /// may be ahead of what the body saw, since a poll's batch is handed over as a whole.
    public func position(_ partitions: [KafkaTopicPartition]) throws -> [KafkaTopicPartitionOffset] {
        guard !partitions.isEmpty else { return [] }
        return try client.position(partitions)
    }

    /// Moves the fetch position of owned partitions to the given offsets (real offsets or
    /// `KafkaOffset.beginning` / `.end`). Messages already fetched from the old position are
    /// discarded by librdkafka, and, when called from a rebalance handler, those the current
    /// `poll` call already fetched are not handed over.
    public func seek(_ offsets: [KafkaTopicPartitionOffset], timeout: Duration) throws {
        guard !offsets.isEmpty else { return }
        try state.withLock { state throws(KafkaError) in
            try state.checkUsable()
            state.sought(offsets.map(\.topicPartition))
        }
        try client.seek(offsets, timeoutMs: timeout.clampedMilliseconds)
    }

    /// Stops fetching `partitions` until `resume`; their position is kept. Prefetched
    /// messages of these partitions are discarded.
    public func pause(_ partitions: [KafkaTopicPartition]) throws {
        guard !partitions.isEmpty else { return }
        try client.setPaused(true, partitions)
    }

    /// Restarts fetching `partitions` paused by `pause`.
    public func resume(_ partitions: [KafkaTopicPartition]) throws {
        guard !partitions.isEmpty else { return }
        try client.setPaused(false, partitions)
    }

    /// The partition's current watermarks, asked of its leader.
    public func watermarks(_ partition: KafkaTopicPartition, timeout: Duration) throws -> KafkaWatermarks {
        try client.queryWatermarks(partition, timeoutMs: timeout.clampedMilliseconds)
    }

    /// The current watermarks of `partitions`, asked of their leaders together: two
    /// ListOffsets requests per leader broker, however many partitions it leads.
    public func watermarks(_ partitions: [KafkaTopicPartition], timeout: Duration) throws -> [KafkaTopicPartition: KafkaWatermarks] {
        try client.watermarks(partitions, timeoutMs: timeout.clampedMilliseconds)
    }

    /// The group's lag on each of `partitions`: high watermark − committed offset (or the
    /// whole retained range when never committed). One ListOffsets request per partition and
    /// one OffsetFetch for all; each waits at most `timeout`.
    public func lag(_ partitions: [KafkaTopicPartition], timeout: Duration) throws -> [KafkaPartitionLag] {
        let committed = try self.committed(partitions, timeout: timeout)
        return try zip(partitions, committed).map { partition, entry in
            let watermarks = try watermarks(partition, timeout: timeout)
            return KafkaPartitionLag(
                topicPartition: partition,
                watermarks: watermarks,
                committedOffset: entry.offset >= 0 ? entry.offset : nil
            )
        }
    }
}
