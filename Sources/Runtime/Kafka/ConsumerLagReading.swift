public import Kafka
public import Staging

/// Consumer lag from one librdkafka statistics report (`statistics.interval.ms`): librdkafka's
/// own `consumer_lag` per assigned partition (STATISTICS.md, v2.0.2: the high watermark, or the
/// last stable offset under `read_committed`, minus the application's position), so no request
/// leaves the client and nothing runs on the polling thread.
///
/// The position is the next record to hand out, ahead of the committed offset by at most the
/// open batch (one window), well inside the seed's alert thresholds (100K and 500K).
public struct ConsumerLagReading: Sendable, Hashable {
    /// Lag per assigned partition whose lag librdkafka knows.
    public var lags: [SourcePartition: Int64]
    /// Every assigned partition has a known lag and a leader the client is connected to: a
    /// fresh reading. A partition whose leader is down keeps its last high watermark, so its
    /// lag would freeze; the reading's age (`millrace_consumer_lag_last_success_timestamp_seconds`)
    /// then grows, which the staleness alert watches.
    public var isComplete: Bool

    /// A reading with the given figures.
    public init(lags: [SourcePartition: Int64], isComplete: Bool) {
        self.lags = lags
        self.isComplete = isComplete
    }

    /// The reading of `statistics`. A partition is assigned unless its fetch state is `none`,
    /// `stopping` or `stopped`; librdkafka's internal partition -1 is never listed.
    public init(_ statistics: KafkaStatistics) {
        let upBrokers = Set(statistics.brokers.filter { $0.state == "UP" }.map(\.nodeID))
        var lags: [SourcePartition: Int64] = [:]
        var complete = true
        for partition in statistics.partitions where !["none", "stopping", "stopped", ""].contains(partition.fetchState) {
            let source = SourcePartition(topic: partition.topicPartition.topic, partition: partition.topicPartition.partition)
            guard partition.consumerLag >= 0 else {
                complete = false
                continue
            }
            lags[source] = partition.consumerLag
            if !upBrokers.contains(partition.leader) { complete = false }
        }
        self.lags = lags
        isComplete = complete
    }
}
