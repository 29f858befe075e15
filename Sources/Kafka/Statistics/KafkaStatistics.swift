/// One librdkafka statistics report (`statistics.interval.ms`), as typed values for metrics.
///
/// Field meanings follow librdkafka's STATISTICS.md (v2.0.2). Counters are cumulative since
/// the client started; gauges are values at `timeUnixSeconds`. librdkafka reports -1 where a
/// value is unknown (e.g. lag before the first fetch); such values are kept as -1.
public struct KafkaStatistics: Sendable, Equatable {
    /// librdkafka's instance name, e.g. `millrace#consumer-1`.
    public var clientName: String
    /// `consumer` or `producer`.
    public var clientType: String
    /// Wall-clock time of the report, in seconds since the Unix epoch (UTC).
    public var timeUnixSeconds: Int64
    /// Messages waiting in the producer queue (gauge).
    public var producerQueueMessages: Int64
    /// Bytes waiting in the producer queue (gauge).
    public var producerQueueBytes: Int64
    /// Totals over all brokers.
    public var totals: Totals
    /// Per-broker connection state and round-trip times.
    public var brokers: [Broker]
    /// Per-partition fetch and lag state (consumer) or queue state (producer).
    public var partitions: [Partition]
    /// Consumer group state, for a consumer in a group.
    public var group: Group?

    /// Sum of known per-partition consumer lags from the application's position (messages).
    /// The lag from the group's committed offsets, which the seed's alerts use (warning above
    /// 100K, critical above 500K), is `KafkaConsumer.lag`.
    public var totalConsumerLag: Int64 {
        partitions.reduce(0) { $0 + max(0, $1.consumerLag) }
    }

    /// Cumulative request and message counters over all brokers.
    public struct Totals: Sendable, Equatable {
        /// Requests sent.
        public var requestsSent: Int64
        /// Bytes sent.
        public var bytesSent: Int64
        /// Responses received.
        public var responsesReceived: Int64
        /// Bytes received.
        public var bytesReceived: Int64
        /// Messages produced (sent to brokers).
        public var messagesSent: Int64
        /// Messages consumed (received from brokers).
        public var messagesReceived: Int64
    }

    /// One broker connection.
    public struct Broker: Sendable, Equatable {
        /// `host:port/id` as librdkafka names it.
        public var name: String
        /// Broker id (-1 for bootstrap connections).
        public var nodeID: Int32
        /// Connection state, e.g. `UP`, `DOWN`, `CONNECT`.
        public var state: String
        /// Average round-trip time in the last window, in µs.
        public var rttAverageUs: Int64
        /// 99th percentile round-trip time in the last window, in µs.
        public var rttP99Us: Int64
        /// Requests waiting to be sent (gauge).
        public var outboundRequests: Int64
        /// Requests sent and waiting for a response (gauge).
        public var awaitingResponse: Int64
        /// Send errors (counter).
        public var transmitErrors: Int64
        /// Receive errors (counter).
        public var receiveErrors: Int64
        /// Requests that timed out (counter).
        public var requestTimeouts: Int64
        /// Connection attempts (counter).
        public var connects: Int64
        /// Disconnects (counter).
        public var disconnects: Int64
    }

    /// One topic-partition.
    public struct Partition: Sendable, Equatable {
        /// The partition.
        public var topicPartition: KafkaTopicPartition
        /// Leader broker id (-1 when unknown).
        public var leader: Int32
        /// Fetch state, e.g. `active`, `none`, `stopped`.
        public var fetchState: String
        /// Messages prefetched and waiting for the application (gauge).
        public var fetchQueueMessages: Int64
        /// Bytes prefetched and waiting for the application (gauge).
        public var fetchQueueBytes: Int64
        /// Next offset to fetch.
        public var nextOffset: Int64
        /// Offset of the last message handed to the application + 1.
        public var applicationOffset: Int64
        /// Last committed offset.
        public var committedOffset: Int64
        /// Low watermark.
        public var lowWatermark: Int64
        /// High watermark.
        public var highWatermark: Int64
        /// Last stable offset (end of committed transactions).
        public var lastStableOffset: Int64
        /// Messages between the application's position and the high watermark (or last stable
        /// offset under `read_committed`).
        public var consumerLag: Int64
        /// Messages between the offset stored with `offsets_store` and the high watermark; -1
        /// when offsets are not stored (Millrace commits explicitly: see `KafkaConsumer.lag`).
        public var consumerLagStored: Int64
        /// Messages consumed (counter).
        public var messagesReceived: Int64
        /// Bytes consumed (counter).
        public var bytesReceived: Int64
        /// Messages produced (counter).
        public var messagesSent: Int64
        /// Messages in the producer queue for this partition (gauge).
        public var producerQueueMessages: Int64
    }

    /// The consumer group as this member sees it.
    public struct Group: Sendable, Equatable {
        /// Coordinator state, e.g. `up`, `wait-coord`.
        public var state: String
        /// Join state, e.g. `steady`, `wait-join`.
        public var joinState: String
        /// Rebalances so far (counter).
        public var rebalanceCount: Int64
        /// Time since the last rebalance, in ms.
        public var rebalanceAgeMs: Int64
        /// Reason for the last rebalance.
        public var rebalanceReason: String
        /// Partitions assigned to this member.
        public var assignmentSize: Int64
    }
}
