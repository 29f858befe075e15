public import Staging

/// Which partitions a worker has read to their end (librdkafka's partition-EOF events), until a
/// newer record arrives or the partition leaves: what "caught up" and "drained" mean.
public struct PartitionEnds: Sendable {
    private var ends: Set<SourcePartition> = []

    /// None at their end.
    public init() {}

    /// `partition` was read to its end.
    public mutating func reachedEnd(_ partition: SourcePartition) {
        ends.insert(partition)
    }

    /// A record of `partition` arrived: it is not at its end any more.
    public mutating func consumed(_ partition: SourcePartition) {
        if !ends.isEmpty { ends.remove(partition) }
    }

    /// `partitions` left this worker or were rewound: their ends are not known.
    public mutating func forget(_ partitions: some Sequence<SourcePartition>) {
        ends.subtract(partitions)
    }

    /// Of `owned`, those at their end.
    public func atEnd(_ owned: some Sequence<SourcePartition>) -> [SourcePartition] {
        owned.filter(ends.contains)
    }

    /// True when this worker owns partitions and every one is at its end.
    public func drained(_ owned: some Collection<SourcePartition>) -> Bool {
        !owned.isEmpty && owned.allSatisfy(ends.contains)
    }
}
