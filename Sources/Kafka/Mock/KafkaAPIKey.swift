/// A Kafka protocol request type, for injecting errors into the mock cluster.
/// Values are the protocol's ApiKeys (kafka.apache.org/protocol#protocol_api_keys).
public struct KafkaAPIKey: Hashable, Sendable {
    /// The protocol's numeric ApiKey.
    public let rawValue: Int16

    /// The request type with ApiKey `rawValue`.
    public init(rawValue: Int16) {
        self.rawValue = rawValue
    }

    /// Produce.
    public static let produce = Self(rawValue: 0)
    /// Fetch.
    public static let fetch = Self(rawValue: 1)
    /// ListOffsets (watermarks, offsets by time).
    public static let listOffsets = Self(rawValue: 2)
    /// Metadata.
    public static let metadata = Self(rawValue: 3)
    /// OffsetCommit.
    public static let offsetCommit = Self(rawValue: 8)
    /// OffsetFetch (committed offsets).
    public static let offsetFetch = Self(rawValue: 9)
    /// FindCoordinator.
    public static let findCoordinator = Self(rawValue: 10)
    /// JoinGroup.
    public static let joinGroup = Self(rawValue: 11)
    /// Heartbeat.
    public static let heartbeat = Self(rawValue: 12)
    /// LeaveGroup.
    public static let leaveGroup = Self(rawValue: 13)
    /// SyncGroup.
    public static let syncGroup = Self(rawValue: 14)
    /// InitProducerId.
    public static let initProducerID = Self(rawValue: 22)
    /// AddPartitionsToTxn.
    public static let addPartitionsToTransaction = Self(rawValue: 24)
    /// AddOffsetsToTxn.
    public static let addOffsetsToTransaction = Self(rawValue: 25)
    /// EndTxn.
    public static let endTransaction = Self(rawValue: 26)
    /// TxnOffsetCommit.
    public static let transactionOffsetCommit = Self(rawValue: 28)
}
