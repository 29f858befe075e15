import Dispatch
import Foundation
import Logging

/// Parsing librdkafka's statistics JSON (STATISTICS.md). Foundation's decoder is fine here:
/// a report arrives every few seconds, off the polling thread.
extension KafkaStatistics {
    /// Parses one report. Missing fields read as 0 (counters) or -1 (offsets, ids).
    public static func decode(_ json: [UInt8]) throws -> KafkaStatistics {
        let wire: Wire
        do {
            wire = try JSONDecoder().decode(Wire.self, from: Data(json))
        } catch {
            throw KafkaError(.badMessage, "librdkafka statistics are not the expected JSON", underlying: error)
        }
        return KafkaStatistics(wire)
    }

    /// A callback for `RDKafkaCallbacks.statistics` that parses each report on a serial queue
    /// and hands it to `handler`; nil without handler (statistics are then not registered).
    static func deliverer(to handler: (@Sendable (KafkaStatistics) -> Void)?, logger: Logger) -> (@Sendable ([UInt8]) -> Void)? {
        guard let handler else { return nil }
        let queue = DispatchQueue(label: "millrace.kafka.statistics")
        return { json in
            queue.async {
                do {
                    handler(try decode(json))
                } catch {
                    logger.warning("unreadable librdkafka statistics", metadata: ["error": "\(error)"])
                }
            }
        }
    }

    init(_ wire: Wire) {
        clientName = wire.name ?? ""
        clientType = wire.type ?? ""
        timeUnixSeconds = wire.time ?? 0
        producerQueueMessages = wire.msg_cnt ?? 0
        producerQueueBytes = wire.msg_size ?? 0
        totals = Totals(
            requestsSent: wire.tx ?? 0,
            bytesSent: wire.tx_bytes ?? 0,
            responsesReceived: wire.rx ?? 0,
            bytesReceived: wire.rx_bytes ?? 0,
            messagesSent: wire.txmsgs ?? 0,
            messagesReceived: wire.rxmsgs ?? 0
        )
        brokers = (wire.brokers ?? [:]).values.map(Broker.init).sorted { $0.name < $1.name }
        partitions = (wire.topics ?? [:]).values.flatMap { topic in
            (topic.partitions ?? [:]).values
                .filter { ($0.partition ?? -1) >= 0 }  // -1 is librdkafka's internal "unassigned" partition
                .map { Partition(topic: topic.topic ?? "", $0) }
        }.sorted { $0.topicPartition < $1.topicPartition }
        group = wire.cgrp.map(Group.init)
    }

    // MARK: librdkafka's JSON, field names as they are

    struct Wire: Decodable {
        var name: String?
        var type: String?
        var time: Int64?
        var msg_cnt: Int64?
        var msg_size: Int64?
        var tx: Int64?
        var tx_bytes: Int64?
        var rx: Int64?
        var rx_bytes: Int64?
        var txmsgs: Int64?
        var rxmsgs: Int64?
        var brokers: [String: WireBroker]?
        var topics: [String: WireTopic]?
        var cgrp: WireGroup?
    }

    struct WireBroker: Decodable {
        var name: String?
        var nodeid: Int32?
        var state: String?
        var outbuf_cnt: Int64?
        var waitresp_cnt: Int64?
        var txerrs: Int64?
        var rxerrs: Int64?
        var req_timeouts: Int64?
        var connects: Int64?
        var disconnects: Int64?
        var rtt: WireWindow?
    }

    struct WireWindow: Decodable {
        var avg: Int64?
        var p99: Int64?
    }

    struct WireTopic: Decodable {
        var topic: String?
        var partitions: [String: WirePartition]?
    }

    struct WirePartition: Decodable {
        var partition: Int32?
        var leader: Int32?
        var fetch_state: String?
        var fetchq_cnt: Int64?
        var fetchq_size: Int64?
        var next_offset: Int64?
        var app_offset: Int64?
        var committed_offset: Int64?
        var lo_offset: Int64?
        var hi_offset: Int64?
        var ls_offset: Int64?
        var consumer_lag: Int64?
        var consumer_lag_stored: Int64?
        var rxmsgs: Int64?
        var rxbytes: Int64?
        var txmsgs: Int64?
        var msgq_cnt: Int64?
    }

    struct WireGroup: Decodable {
        var state: String?
        var join_state: String?
        var rebalance_cnt: Int64?
        var rebalance_age: Int64?
        var rebalance_reason: String?
        var assignment_size: Int64?
    }
}

extension KafkaStatistics.Broker {
    init(_ wire: KafkaStatistics.WireBroker) {
        self.init(
            name: wire.name ?? "",
            nodeID: wire.nodeid ?? -1,
            state: wire.state ?? "",
            rttAverageUs: wire.rtt?.avg ?? 0,
            rttP99Us: wire.rtt?.p99 ?? 0,
            outboundRequests: wire.outbuf_cnt ?? 0,
            awaitingResponse: wire.waitresp_cnt ?? 0,
            transmitErrors: wire.txerrs ?? 0,
            receiveErrors: wire.rxerrs ?? 0,
            requestTimeouts: wire.req_timeouts ?? 0,
            connects: wire.connects ?? 0,
            disconnects: wire.disconnects ?? 0
        )
    }
}

extension KafkaStatistics.Partition {
    init(topic: String, _ wire: KafkaStatistics.WirePartition) {
        self.init(
            topicPartition: KafkaTopicPartition(topic: topic, partition: wire.partition ?? -1),
            leader: wire.leader ?? -1,
            fetchState: wire.fetch_state ?? "",
            fetchQueueMessages: wire.fetchq_cnt ?? 0,
            fetchQueueBytes: wire.fetchq_size ?? 0,
            nextOffset: wire.next_offset ?? -1,
            applicationOffset: wire.app_offset ?? -1,
            committedOffset: wire.committed_offset ?? -1,
            lowWatermark: wire.lo_offset ?? -1,
            highWatermark: wire.hi_offset ?? -1,
            lastStableOffset: wire.ls_offset ?? -1,
            consumerLag: wire.consumer_lag ?? -1,
            consumerLagStored: wire.consumer_lag_stored ?? -1,
            messagesReceived: wire.rxmsgs ?? 0,
            bytesReceived: wire.rxbytes ?? 0,
            messagesSent: wire.txmsgs ?? 0,
            producerQueueMessages: wire.msgq_cnt ?? 0
        )
    }
}

extension KafkaStatistics.Group {
    init(_ wire: KafkaStatistics.WireGroup) {
        self.init(
            state: wire.state ?? "",
            joinState: wire.join_state ?? "",
            rebalanceCount: wire.rebalance_cnt ?? 0,
            rebalanceAgeMs: wire.rebalance_age ?? 0,
            rebalanceReason: wire.rebalance_reason ?? "",
            assignmentSize: wire.assignment_size ?? 0
        )
    }
}
