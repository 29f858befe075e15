/// One topic as the cluster's metadata describes it (a Metadata response, Kafka protocol
/// API key 3).
public struct KafkaTopicMetadata: Hashable, Sendable {
    /// The topic's name.
    public var name: String
    /// Its partitions, in ascending id order (ids run 0 ..< count in Kafka).
    public var partitions: [KafkaPartitionMetadata]

    /// A topic named `name` with `partitions`.
    public init(name: String, partitions: [KafkaPartitionMetadata]) {
        self.name = name
        self.partitions = partitions
    }

    /// The partition ids, ascending.
    public var partitionIDs: [Int32] { partitions.map(\.id) }
}

/// One partition of a topic's metadata: where it lives and its replication state.
public struct KafkaPartitionMetadata: Hashable, Sendable {
    /// The partition id.
    public var id: Int32
    /// The broker id of the leader, -1 while there is none.
    public var leader: Int32
    /// Broker ids holding a replica.
    public var replicas: [Int32]
    /// Broker ids of the replicas in sync with the leader.
    public var inSyncReplicas: [Int32]
    /// The broker's error for this partition (`.noError`, or e.g. `.leaderNotAvailable`
    /// during a leader election: the partition exists but cannot be read right now).
    public var error: KafkaError.Code

    /// A partition's metadata.
    public init(id: Int32, leader: Int32, replicas: [Int32], inSyncReplicas: [Int32], error: KafkaError.Code = .noError) {
        self.id = id
        self.leader = leader
        self.replicas = replicas
        self.inSyncReplicas = inSyncReplicas
        self.error = error
    }
}
