/// The consumer's lifecycle, polling discipline and assignment, as a value guarded by the
/// consumer's lock. Every transition returns or throws; the consumer performs the librdkafka
/// calls outside the lock.
///
/// Invariants:
/// - at most one `poll` runs at a time, and never from inside a rebalance handler (librdkafka
///   serves callbacks from inside the poll call, so re-entering it would corrupt its queue);
/// - `close` runs once, never while a poll is under way on another thread;
/// - `assignment` is what this member owns: partitions join it when assigned (before the
///   handler runs) and leave it when revoked or lost (after the handler returns), so inside a
///   `.revoking` handler the member can still commit them, and after it never can;
/// - a consumer either subscribes (group-managed) or assigns (manual), never both.
struct KafkaConsumerStateMachine: Sendable {
    /// Lifecycle phase.
    enum Phase: Sendable, Equatable {
        case open
        case closing
        case closed
    }

    /// How partitions are obtained.
    enum Mode: Sendable, Equatable {
        case idle
        case subscribed
        case assigned
    }

    /// What the consumer must do after `pollFinished`: messages of partitions that moved
    /// during the poll call are dropped, and partitions revoked and given back within the
    /// same call are re-read from their committed offset.
    struct PollCleanup: Sendable, Equatable {
        /// Partitions revoked or lost during the call that are not assigned any more, and
        /// partitions sought from a handler during the call (what was fetched predates the seek).
        var dropped: Set<KafkaTopicPartition> = []
        /// Partitions revoked and assigned again during the call.
        var reassigned: Set<KafkaTopicPartition> = []

        /// True when no message needs filtering.
        var isEmpty: Bool { dropped.isEmpty && reassigned.isEmpty }
    }

    private(set) var phase: Phase = .open
    private(set) var mode: Mode = .idle
    private(set) var isPolling = false
    private(set) var isInRebalanceHandler = false
    /// Partitions this member owns.
    private(set) var assignment: Set<KafkaTopicPartition> = []
    /// The group member id under which `assignment` was received (group mode only).
    private(set) var membership: String?
    /// Partitions declared lost because the membership changed, that librdkafka may still
    /// fetch until it revokes them itself: their messages are dropped.
    private(set) var strays: Set<KafkaTopicPartition> = []
    private var revokedDuringPoll: Set<KafkaTopicPartition> = []
    private var reassignedDuringPoll: Set<KafkaTopicPartition> = []
    private var soughtDuringPoll: Set<KafkaTopicPartition> = []

    /// Throws unless the consumer is open or closing (commits are allowed while closing, from
    /// the final revoke handler).
    func checkUsable() throws(KafkaError) {
        if phase == .closed {
            throw KafkaError(.state, "the consumer is closed")
        }
    }

    /// Starts group-managed consumption.
    mutating func subscribe() throws(KafkaError) {
        try checkOpen("subscribe")
        guard mode != .assigned else {
            throw KafkaError(.state, "subscribe after assign: a consumer either subscribes or assigns")
        }
        mode = .subscribed
    }

    /// Replaces the manual assignment with `partitions`.
    mutating func assign(_ partitions: Set<KafkaTopicPartition>) throws(KafkaError) {
        try checkOpen("assign")
        guard mode != .subscribed else {
            throw KafkaError(.state, "assign after subscribe: a consumer either subscribes or assigns")
        }
        mode = .assigned
        assignment = partitions
    }

    /// Starts a poll call; throws when closed, when another poll is under way, or from a
    /// rebalance handler.
    mutating func pollStarted() throws(KafkaError) {
        try checkOpen("poll")
        if isInRebalanceHandler {
            throw KafkaError(.state, "poll called from a rebalance handler")
        }
        if isPolling {
            throw KafkaError(.state, "poll called while another poll is under way (poll from one thread)")
        }
        isPolling = true
        revokedDuringPoll.removeAll()
        reassignedDuringPoll.removeAll()
        soughtDuringPoll.removeAll()
    }

    /// Partitions were sought. From a handler inside a poll call, the messages that call
    /// already fetched for them come from the old position and must not be handed over.
    mutating func sought(_ partitions: [KafkaTopicPartition]) {
        if isPolling { soughtDuringPoll.formUnion(partitions) }
    }

    /// Ends a poll call, returning which delivered messages must be filtered.
    mutating func pollFinished() -> PollCleanup {
        isPolling = false
        guard !revokedDuringPoll.isEmpty || !reassignedDuringPoll.isEmpty || !strays.isEmpty || !soughtDuringPoll.isEmpty else {
            return PollCleanup()
        }
        let cleanup = PollCleanup(
            dropped: revokedDuringPoll.subtracting(assignment).union(strays).union(soughtDuringPoll),
            reassigned: reassignedDuringPoll
        )
        revokedDuringPoll.removeAll()
        reassignedDuringPoll.removeAll()
        soughtDuringPoll.removeAll()
        return cleanup
    }

    /// Partitions were assigned under member id `member`: they join the assignment before the
    /// handler runs, and the partitions now owned anew are returned for the handler. With the
    /// eager protocol the list is the whole new assignment.
    ///
    /// `held` is librdkafka's own assignment at this point (read only when there are strays).
    /// A stray in it was confirmed by the group for the current membership: librdkafka 2.0.2
    /// keeps partitions it failed to report lost and rejoins claiming them, and the assignor
    /// honours the claim, handing them over as "already owned" rather than as added. They are
    /// adopted (owned and reported again) and, since librdkafka kept fetching them from a
    /// position the lost batch had already passed, re-read from the committed offset: they are
    /// dropped from this poll's messages and rewound after it, as re-assigned partitions are.
    ///
    /// An assignment received with no member id belongs to a membership that already ended
    /// (librdkafka clears the id when it leaves the group, then serves a pending assign): its
    /// partitions are strays from the start, owned only once a new membership confirms them.
    @discardableResult
    mutating func assigned(
        _ partitions: [KafkaTopicPartition], cooperative: Bool, member: String?, held: Set<KafkaTopicPartition> = []
    ) -> [KafkaTopicPartition] {
        if !cooperative {
            assignment.removeAll()
            strays.removeAll()
        }
        if mode == .subscribed && member == nil {
            strays.formUnion(partitions)
            return []
        }
        membership = member
        let adopted = strays.intersection(held).union(strays.intersection(partitions))
        for partition in partitions {
            assignment.insert(partition)
            if revokedDuringPoll.contains(partition) { reassignedDuringPoll.insert(partition) }
        }
        for partition in adopted {
            assignment.insert(partition)
            strays.remove(partition)
            reassignedDuringPoll.insert(partition)
        }
        return Set(partitions).union(adopted).sorted()
    }

    /// Partitions were revoked or lost: they leave the assignment after the handler returned.
    mutating func unassigned(_ partitions: [KafkaTopicPartition]) {
        for partition in partitions {
            assignment.remove(partition)
            strays.remove(partition)
            revokedDuringPoll.insert(partition)
            reassignedDuringPoll.remove(partition)
        }
    }

    /// Compares the group member id now (`member`) with the one the assignment was received
    /// under. A different id means this consumer left the group (session or poll timeout) and
    /// rejoined as a new member: everything it owned is lost, even where librdkafka did not
    /// report it (librdkafka 2.0.2 skips the lost revoke when a cooperative revoke is pending).
    /// Returns the partitions now lost; they become strays until librdkafka revokes them.
    mutating func membershipChecked(_ member: String?) -> [KafkaTopicPartition] {
        guard mode == .subscribed, let membership, membership != member, !assignment.isEmpty else { return [] }
        let lost = assignment.sorted()
        assignment.removeAll()
        strays.formUnion(lost)
        revokedDuringPoll.formUnion(lost)
        return lost
    }

    /// True when `member` is not the member id the assignment was received under.
    func isStaleMembership(_ member: String?) -> Bool {
        mode == .subscribed && membership != nil && membership != member
    }

    /// A rebalance handler starts running.
    mutating func rebalanceHandlerStarted() {
        isInRebalanceHandler = true
    }

    /// The rebalance handler returned.
    mutating func rebalanceHandlerFinished() {
        isInRebalanceHandler = false
    }

    /// Starts closing; returns false when the consumer is already closing or closed.
    mutating func closeStarted() throws(KafkaError) -> Bool {
        guard phase == .open else { return false }
        if isInRebalanceHandler {
            throw KafkaError(.state, "close called from a rebalance handler")
        }
        if isPolling {
            throw KafkaError(.state, "close called while a poll is under way on another thread")
        }
        phase = .closing
        return true
    }

    /// Closing finished: nothing is owned any more.
    mutating func closeFinished() {
        phase = .closed
        assignment.removeAll()
        strays.removeAll()
    }

    /// True when this member owns `partition`.
    func owns(_ partition: KafkaTopicPartition) -> Bool {
        assignment.contains(partition)
    }

    private func checkOpen(_ operation: String) throws(KafkaError) {
        guard phase == .open else {
            throw KafkaError(.state, "\(operation) on a consumer that is \(phase == .closing ? "closing" : "closed")")
        }
    }
}
