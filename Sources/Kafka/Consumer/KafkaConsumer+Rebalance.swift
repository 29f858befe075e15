import Logging
import Synchronization

/// Rebalances: librdkafka's callback, the caller's handler, the owned-partition bookkeeping.
extension KafkaConsumer {
    /// Runs on the polling thread, inside librdkafka's rebalance callback; librdkafka applies
    /// the change after this returns.
    func rebalanced(_ event: RDKafkaRebalance) {
        reportLostMembership()
        switch event.kind {
        case .assign:
            let member = client.memberID()
            let held = heldWhileStraysRemain()
            let owned = state.withLock { $0.assigned(event.partitions, cooperative: event.cooperative, member: member, held: held) }
            let adopted = owned.filter { !event.partitions.contains($0) }
            if !adopted.isEmpty {
                logger.warning("the group confirmed partitions this member had lost; they are re-read from the committed offsets", metadata: [
                    "partitions": "\(adopted)", "client": "\(client.name)"])
            }
            runHandler(.assigned(owned))
        case .revoke, .lost:
            // Partitions already reported lost (membership change) are not reported again.
            let owned = state.withLock { state in event.partitions.filter { state.owns($0) } }
            if !owned.isEmpty {
                runHandler(event.kind == .revoke ? .revoking(owned) : .lost(owned))
            }
            state.withLock { $0.unassigned(event.partitions) }
        case .failed(let code):
            logger.error("rebalance failed; dropping the whole assignment", metadata: ["code": "\(code)"])
            let owned = state.withLock { Array($0.assignment) }.sorted()
            runHandler(.lost(owned))
            state.withLock { $0.unassigned(owned) }
        }
    }

    /// Reports, as `.lost`, partitions owned under a member id the group no longer knows
    /// (see `KafkaConsumerStateMachine.membershipChecked`). Runs on the polling thread.
    func reportLostMembership() {
        guard state.withLock({ $0.mode == .subscribed && !$0.assignment.isEmpty }) else { return }
        let member = client.memberID()
        let lost = state.withLock { $0.membershipChecked(member) }
        if !lost.isEmpty {
            logger.warning("this member left the group and rejoined as a new member; its partitions are lost", metadata: ["partitions": "\(lost)"])
            runHandler(.lost(lost))
        }
    }

    /// librdkafka's current assignment when the consumer has strays (partitions it declared
    /// lost that librdkafka still holds), else empty: the common case costs no request.
    private func heldWhileStraysRemain() -> Set<KafkaTopicPartition> {
        guard state.withLock({ !$0.strays.isEmpty }) else { return [] }
        do {
            return Set(try client.assignment())
        } catch {
            logger.warning("cannot read librdkafka's assignment; lost partitions it still holds stay unowned", metadata: ["error": "\(error)"])
            return []
        }
    }

    private func runHandler(_ event: KafkaRebalanceEvent) {
        // Debug only: the application's handler logs the rebalances it acts on (the worker's
        // telemetry does, once per event), so an operator does not read each one twice.
        logger.debug("rebalance", metadata: ["event": "\(event)", "client": "\(client.name)"])
        guard let box = handler.withLock({ $0 }) else { return }
        state.withLock { $0.rebalanceHandlerStarted() }
        defer { state.withLock { $0.rebalanceHandlerFinished() } }
        box.handler(event)
    }

    /// Seeks `partitions` back to the group's committed offsets (or to the
    /// `autoOffsetReset` end when never committed).
    func rewindToCommitted(_ partitions: Set<KafkaTopicPartition>) throws {
        let committed = try client.committed(Array(partitions), timeoutMs: Int32(clamping: configuration.sessionTimeoutMs))
        let fallback = configuration.autoOffsetReset == .latest ? KafkaOffset.end : KafkaOffset.beginning
        let targets = committed.map { entry in
            KafkaTopicPartitionOffset(entry.topicPartition, offset: entry.offset >= 0 ? entry.offset : fallback)
        }
        do {
            try client.seek(targets, timeoutMs: Int32(clamping: configuration.sessionTimeoutMs))
        } catch {
            guard error.code == .timedOut else { throw error }
            // Not a failed rewind: `rd_kafka_seek_partitions` raises each partition's version
            // barrier before it waits (`rd_kafka_toppar_op_seek`, librdkafka 2.0.2
            // src/rdkafka_partition.c), so messages fetched from the old position are already
            // discarded, and the queued seek is applied when the partition's broker thread gets
            // to it. Only that thread's answer is late, as on a loaded machine.
            logger.warning("the rewind to the committed offsets is still under way in librdkafka", metadata: [
                "partitions": "\(partitions.sorted())", "client": "\(client.name)"])
        }
    }
}
