/// When the worker's start-up steps finished, in monotonic milliseconds: the dimensions loaded,
/// the consumer group joined (the first assignment, the group's join starting once the
/// dimensions are loaded) and the first records fetched.
public struct StartupTimeline: Sendable, Equatable {
    /// When the pipeline started (subscribed).
    public let startedAtMillis: Int64
    /// When the dimensions were loaded.
    public private(set) var dimensionsLoadedAtMillis: Int64?
    /// When the first partitions were assigned.
    public private(set) var joinedAtMillis: Int64?
    /// When a poll first returned records.
    public private(set) var firstRecordsAtMillis: Int64?

    /// A timeline started at `startedAtMillis`.
    public init(startedAtMillis: Int64) {
        self.startedAtMillis = startedAtMillis
    }

    /// Records the end of the dimensions' load (the first time only).
    public mutating func dimensionsLoaded(atMillis: Int64) {
        if dimensionsLoadedAtMillis == nil { dimensionsLoadedAtMillis = atMillis }
    }

    /// Records the first assignment (the first time only).
    public mutating func joined(atMillis: Int64) {
        if joinedAtMillis == nil { joinedAtMillis = atMillis }
    }

    /// Records a poll that returned records; true only the first time (start-up is over).
    public mutating func fetched(atMillis: Int64) -> Bool {
        guard firstRecordsAtMillis == nil else { return false }
        firstRecordsAtMillis = atMillis
        return true
    }

    /// Milliseconds from the start to `mark`, nil when it has not happened.
    public func elapsed(_ mark: Int64?) -> Int64? {
        mark.map { $0 - startedAtMillis }
    }

    /// The start-up besides the group join itself (which the coordinator decides: the mock
    /// cluster takes 3 s, a broker's `group.initial.rebalance.delay.ms`): loading the
    /// dimensions, then from the first assignment to the first records (recovery, the first
    /// fetch). Nil before the first records.
    public var beyondJoinMillis: Int64? {
        guard let dimensionsLoadedAtMillis, let joinedAtMillis, let firstRecordsAtMillis else { return nil }
        return (dimensionsLoadedAtMillis - startedAtMillis) + (firstRecordsAtMillis - joinedAtMillis)
    }
}
