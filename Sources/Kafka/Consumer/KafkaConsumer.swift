import Dispatch
public import Logging
import Synchronization

/// A Kafka consumer on librdkafka, driven synchronously from one dedicated thread.
///
/// The caller's thread calls `poll` in a loop; each message is handed to the body as a view
/// into librdkafka's buffer (no copy). Rebalances reach the installed `KafkaRebalanceHandler`
/// on that same thread, inside `poll`, before librdkafka applies them. Offsets are committed
/// only explicitly, synchronously, with optional metadata, and a commit for a partition this
/// member does not own is refused before it reaches the coordinator. Blocking calls have
/// `async` twins (in `KafkaConsumer+Async.swift`) that run on the consumer's own dispatch
/// queue, never on Swift's cooperative pool.
///
/// Thread safety: `poll` and `close` must not overlap (the state machine throws `.state`
/// instead of corrupting librdkafka's queue); every other method may be called from any thread.
public final class KafkaConsumer: @unchecked Sendable {
    /// The configuration the consumer was created with.
    public let configuration: KafkaConsumerConfiguration
    /// Where the consumer and librdkafka log.
    let logger: Logger
    /// The librdkafka handle.
    let client: RDKafkaClient
    /// Serial queue running the async conveniences' blocking calls.
    let executor: DispatchQueue
    /// Lifecycle, polling discipline and assignment.
    let state = Mutex(KafkaConsumerStateMachine())
    private let batch: RDKafkaMessageBatch
    let handler = Mutex<RebalanceHandlerBox?>(nil)
    private let inbox: KafkaErrorInbox
    /// Wakes the fetchers after a poll drained the prefetch queue (nil unless
    /// `fetchWakeIntervalMs` is set).
    let fetchWaker: KafkaFetchWaker?

    /// Creates a consumer; it joins nothing until `subscribe` or `assign`.
    ///
    /// - Parameters:
    ///   - configuration: brokers, group and tuning; librdkafka properties pass through.
    ///   - logger: receives librdkafka's log lines and the consumer's own.
    ///   - statisticsHandler: receives parsed statistics every
    ///     `connection.statisticsIntervalMs`, on a dedicated queue (never the polling thread).
    /// - Throws: `KafkaError` with `.invalidArgument` when `connection.properties` sets a
    ///   reserved property (`KafkaConsumerConfiguration.reservedProperties`) or librdkafka
    ///   rejects the configuration.
    public init(
        configuration: KafkaConsumerConfiguration,
        logger: Logger = Logger(label: "millrace.kafka.consumer"),
        statisticsHandler: (@Sendable (KafkaStatistics) -> Void)? = nil
    ) throws {
        try configuration.validate()
        let inbox = KafkaErrorInbox(logger: logger)
        let callbacks = RDKafkaCallbacks(
            logger: logger,
            statistics: KafkaStatistics.deliverer(to: statisticsHandler, logger: logger),
            oauthBearerTokenProvider: configuration.connection.oauthBearerTokenProvider,
            clientError: { inbox.report($0) }
        )
        let client = try RDKafkaClient(kind: .consumer, properties: configuration.properties, callbacks: callbacks)
        try client.forwardMainQueueToConsumer()
        self.configuration = configuration
        self.logger = logger
        self.client = client
        self.inbox = inbox
        self.batch = try RDKafkaMessageBatch(client: client)
        self.executor = DispatchQueue(label: "millrace.kafka.consumer.\(client.name)")
        self.fetchWaker = configuration.fetchWakeIntervalMs > 0
            ? KafkaFetchWaker(
                client: client,
                schedule: FetchWakeSchedule(intervalMs: Int64(configuration.fetchWakeIntervalMs), queuedMinMessages: configuration.queuedMinMessages),
                timeoutMs: 1_000)
            : nil
        callbacks.setRebalanceTarget { [weak self] event in self?.rebalanced(event) }
    }

    deinit {
        client.callbacks.setRebalanceTarget(nil)
        if state.withLock({ $0.phase != .closed }) {
            logger.warning("Kafka consumer released without close(); the group notices at the session timeout", metadata: ["client": "\(client.name)"])
        }
    }

    /// Installs the handler that reacts to rebalances (nil removes it). Set it before
    /// `subscribe`: without a handler partitions are still assigned and revoked, unseen.
    public func setRebalanceHandler(_ handler: KafkaRebalanceHandler?) {
        let box = handler.map(RebalanceHandlerBox.init)
        self.handler.withLock { $0 = box }
    }

    /// Joins the consumer group for `topics`; partitions arrive through rebalances during
    /// `poll`.
    public func subscribe(_ topics: [String]) throws {
        try state.withLock { state throws(KafkaError) in try state.subscribe() }
        try client.subscribe(topics)
    }

    /// Reads exactly `partitions`, each from its offset (a real offset or a `KafkaOffset`
    /// value; `KafkaOffset.stored` resumes at the group's committed offset), without group
    /// rebalancing. Replaces any previous manual assignment.
    ///
    /// `KafkaOffset.beginning` and `.end` are resolved first, with one ListOffsets request per
    /// leader broker: left to librdkafka, a partition whose leader connection is not up yet
    /// would wait 500 ms to retry its offset lookup.
    public func assign(_ partitions: [KafkaTopicPartitionOffset]) throws {
        try state.withLock { state throws(KafkaError) in try state.assign(Set(partitions.map(\.topicPartition))) }
        try client.assign(resolvingLogicalOffsets(partitions))
    }

    /// `partitions` with `beginning` / `end` replaced by the brokers' current offsets where
    /// they answer (ListOffsets takes -2 and -1 as "earliest" and "latest"); unchanged where not.
    private func resolvingLogicalOffsets(_ partitions: [KafkaTopicPartitionOffset]) -> [KafkaTopicPartitionOffset] {
        let logical = partitions.filter { $0.offset == KafkaOffset.beginning || $0.offset == KafkaOffset.end }
        guard !logical.isEmpty,
            let answers = try? client.offsetsForTimes(logical, timeoutMs: Int32(clamping: configuration.sessionTimeoutMs))
        else { return partitions }
        var resolved: [KafkaTopicPartition: Int64] = [:]
        for (answer, code) in answers where code == .noError && answer.offset >= 0 {
            resolved[answer.topicPartition] = answer.offset
        }
        return partitions.map { entry in
            guard entry.offset == KafkaOffset.beginning || entry.offset == KafkaOffset.end, let offset = resolved[entry.topicPartition] else { return entry }
            return KafkaTopicPartitionOffset(entry.topicPartition, offset: offset, metadata: entry.metadata)
        }
    }

    /// Hands over the messages already fetched (waiting up to `timeout` for the first one when
    /// there are none), each to `body` in offset order within its partition, as a
    /// view valid only during that call. Rebalance handlers run inside this call, on this
    /// thread. Messages of partitions revoked during the call are not handed over (their new
    /// owner reads them); partitions revoked and re-assigned within the call are rewound to
    /// their committed offset.
    ///
    /// If `body` throws, the rest of the batch is released unseen and the error rethrown; the
    /// consumer's position is past the whole batch, so seek (or restart from the committed
    /// offsets) to read them again.
    ///
    /// - Parameters:
    ///   - maxMessages: most messages to hand over in this call, 1 ... `maxPollBatch`.
    ///   - timeout: longest wait for the first message.
    /// - Returns: counts, ends of partitions reached, and non-fatal errors seen.
    /// - Throws: `.state` when closed or when another poll is under way; a fatal `KafkaError`
    ///   when librdkafka raised one; whatever `body` throws.
    public func poll(
        maxMessages: Int = 1_000,
        timeout: Duration,
        _ body: (KafkaMessageView) throws -> Void
    ) throws -> KafkaPollSummary {
        guard maxMessages > 0, maxMessages <= configuration.maxPollBatch else {
            throw KafkaError(.invalidArgument, "poll maxMessages \(maxMessages) is outside 1 ... \(configuration.maxPollBatch)")
        }
        try state.withLock { state throws(KafkaError) in try state.pollStarted() }
        reportLostMembership()
        let count: Int
        do {
            count = try batch.consume(maxMessages: maxMessages, timeoutMs: timeout.clampedMilliseconds)
        } catch {
            _ = state.withLock { $0.pollFinished() }
            throw error
        }
        if let fetchWaker {
            fetchWaker.polled(
                queued: batch.queuedMessages, behind: count == maxMessages, nowMillis: KafkaFetchWaker.nowMillis(),
                assignment: ownedPartitions)
        }
        let cleanup = state.withLock { $0.pollFinished() }
        let outcome = try batch.drain(count: count, skip: cleanup.dropped.union(cleanup.reassigned), body)
        if !cleanup.reassigned.isEmpty {
            try rewindToCommitted(cleanup.reassigned)
        }
        if let fatal = outcome.fatal ?? inbox.fatal {
            throw fatal
        }
        var summary = KafkaPollSummary()
        summary.messageCount = outcome.delivered
        summary.discardedAfterRevocation = outcome.discarded
        summary.partitionsAtEnd = outcome.endsReached
        summary.errors = outcome.errors + inbox.drain()
        for error in outcome.errors {
            logger.warning("consumer error", metadata: ["error": "\(error)"])
        }
        return summary
    }

    /// Leaves the group: the final `.revoking` handler runs on this thread (commit in it),
    /// then fetching stops. Call it from the polling thread (or when no poll runs); later
    /// calls do nothing.
    public func close() throws {
        guard try state.withLock({ state throws(KafkaError) in try state.closeStarted() }) else { return }
        defer { state.withLock { $0.closeFinished() } }
        fetchWaker?.stop()
        try client.closeConsumer()
    }

    /// True when this member currently owns `partition` (assigned, not yet revoked). Cheap:
    /// reads the consumer's own bookkeeping, no librdkafka call.
    public func owns(_ partition: KafkaTopicPartition) -> Bool {
        state.withLock { $0.owns(partition) }
    }

    /// The partitions this member currently owns, as tracked through rebalances and `assign`.
    public var ownedPartitions: Set<KafkaTopicPartition> {
        state.withLock { $0.assignment }
    }

    /// The member id the group coordinator assigned, or nil before the first join.
    public var memberID: String? { client.memberID() }

    /// The group's identity and generation, for a transactional producer's
    /// `sendOffsetsToTransaction`.
    public func groupMetadata() throws -> KafkaConsumerGroupMetadata {
        try client.groupMetadata()
    }
}

/// Holds the caller's non-Sendable handler; it is only ever called on the polling thread.
final class RebalanceHandlerBox: @unchecked Sendable {
    let handler: KafkaRebalanceHandler

    init(_ handler: @escaping KafkaRebalanceHandler) {
        self.handler = handler
    }
}
