/// Where a consumer starts in a partition that has no committed offset
/// (librdkafka's `auto.offset.reset`).
public struct KafkaAutoOffsetReset: Hashable, Sendable {
    private enum Kind: String, Hashable, Sendable {
        case earliest, latest, error
    }

    private let kind: Kind

    /// From the oldest retained message: nothing is skipped.
    public static let earliest = Self(kind: .earliest)
    /// From the next message produced: retained history is skipped.
    public static let latest = Self(kind: .latest)
    /// Fail the partition with an error (`_AUTO_OFFSET_RESET`) instead of guessing.
    public static let error = Self(kind: .error)

    /// librdkafka's value for the property.
    var propertyValue: String { kind.rawValue }
}

/// Which transactional messages a consumer reads (librdkafka's `isolation.level`).
public struct KafkaIsolationLevel: Hashable, Sendable {
    private enum Kind: String, Hashable, Sendable {
        case readCommitted = "read_committed"
        case readUncommitted = "read_uncommitted"
    }

    private let kind: Kind

    /// Only messages of committed transactions (and non-transactional ones).
    public static let readCommitted = Self(kind: .readCommitted)
    /// Every message, including those of aborted transactions.
    public static let readUncommitted = Self(kind: .readUncommitted)

    /// librdkafka's value for the property.
    var propertyValue: String { kind.rawValue }
}
