import Kafka

/// The times the commit protocol's safety rests on, from the configuration in force (ms).
///
/// The sweep deletes a pending batch older than `sweep_grace` that Kafka does not name; a
/// worker must therefore never fence a batch that old. It stops starting fence attempts at
/// `maxBatchAgeMillis` = grace − margin, by its own monotonic clock (`CommitTiming`). The
/// margin covers:
/// - the skew between the writer's and the sweeper's wall clocks (`pipeline.max_clock_skew`);
/// - how late an attempt started just in time can still reach the coordinator: librdkafka
///   defers an offset commit for up to `session.timeout.ms` while it knows no coordinator
///   (`rd_kafka_cgrp_defer_offset_commit`), retries a timed-out OffsetCommit request twice
///   (`RD_KAFKA_REQUEST_DEFAULT_RETRIES`), each after `socket.timeout.ms`, and
///   `KafkaConsumer.commit` retries `REBALANCE_IN_PROGRESS` answers for
///   `rebalanceCommitRetryMs`.
/// With librdkafka's defaults: 60 s + 45 s + 3 × 60 s + 5 s = 290 s, so the 15-minute default
/// grace lets a worker fence a batch for 10m10s, twice the 5-minute `max.poll.interval.ms`.
struct CommitTimingLimits: Sendable, Equatable {
    /// `pipeline.sweep_grace`.
    var graceMillis: Int64
    /// `pipeline.max_clock_skew`.
    var clockSkewMillis: Int64
    /// `max.poll.interval.ms` in force.
    var maxPollIntervalMillis: Int64
    /// `session.timeout.ms` in force.
    var sessionTimeoutMillis: Int64
    /// `socket.timeout.ms` in force (librdkafka's default: 60000).
    var socketTimeoutMillis: Int64
    /// `KafkaConsumerConfiguration.rebalanceCommitRetryMs`.
    var rebalanceCommitRetryMillis: Int64

    /// The longest a fence attempt started in time may take to reach the coordinator.
    var fenceAttemptMillis: Int64 { sessionTimeoutMillis + 3 * socketTimeoutMillis + rebalanceCommitRetryMillis }
    /// What the commit deadline keeps below the grace.
    var marginMillis: Int64 { clockSkewMillis + fenceAttemptMillis }
    /// The age after which no fence attempt starts.
    var maxBatchAgeMillis: Int64 { graceMillis - marginMillis }
    /// How long the group may let a member hold a batch it is still fencing.
    var groupHoldMillis: Int64 { max(maxPollIntervalMillis, sessionTimeoutMillis) }
}

extension WorkerConfiguration {
    /// The commit timing of this configuration: Millrace's consumer defaults, overridden by
    /// `kafka.properties` as the consumer itself applies them.
    var commitTimingLimits: CommitTimingLimits {
        let defaults = KafkaConsumerConfiguration()
        func property(_ name: String, _ fallback: Int) -> Int64 {
            kafka.properties[name].flatMap(Int64.init) ?? Int64(fallback)
        }
        return CommitTimingLimits(
            graceMillis: pipeline.sweepGrace.milliseconds, clockSkewMillis: pipeline.maxClockSkew.milliseconds,
            maxPollIntervalMillis: property("max.poll.interval.ms", defaults.maxPollIntervalMs),
            sessionTimeoutMillis: property("session.timeout.ms", defaults.sessionTimeoutMs),
            socketTimeoutMillis: property("socket.timeout.ms", Self.librdkafkaSocketTimeoutMs),
            rebalanceCommitRetryMillis: Int64(defaults.rebalanceCommitRetryMs))
    }

    /// librdkafka's default `socket.timeout.ms` (CONFIGURATION.md), which Millrace leaves as is.
    static let librdkafkaSocketTimeoutMs = 60_000
}
