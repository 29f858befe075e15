import Kafka
import Synchronization
import Testing

@Suite("KafkaStatistics")
struct KafkaStatisticsTests {
    /// An abridged report in librdkafka 2.0.2's shape (STATISTICS.md), with the internal
    /// partition -1 that must be skipped.
    static let sample = #"""
        {"name":"millrace#consumer-1","client_id":"millrace","type":"consumer","ts":123,"time":1764000000,
         "replyq":0,"msg_cnt":0,"msg_size":0,"tx":10,"tx_bytes":1000,"rx":9,"rx_bytes":50000,"txmsgs":0,"rxmsgs":300,
         "brokers":{"127.0.0.1:9092/1":{"name":"127.0.0.1:9092/1","nodeid":1,"state":"UP","outbuf_cnt":0,"waitresp_cnt":1,
           "txerrs":0,"rxerrs":2,"req_timeouts":1,"connects":1,"disconnects":0,"rtt":{"min":100,"max":900,"avg":250,"p99":880}}},
         "topics":{"orders":{"topic":"orders","partitions":{
           "0":{"partition":0,"leader":1,"fetch_state":"active","fetchq_cnt":12,"fetchq_size":4096,"next_offset":120,"app_offset":108,
                "committed_offset":100,"lo_offset":0,"hi_offset":150,"ls_offset":150,"consumer_lag":42,"consumer_lag_stored":-1,
                "rxmsgs":120,"rxbytes":40000,"txmsgs":0,"msgq_cnt":0},
           "1":{"partition":1,"leader":2,"fetch_state":"active","consumer_lag":8,"hi_offset":8,"lo_offset":0},
           "-1":{"partition":-1,"leader":-1,"consumer_lag":-1}}}},
         "cgrp":{"state":"up","stateage":1000,"join_state":"steady","rebalance_age":5000,"rebalance_cnt":2,
                 "rebalance_reason":"group rejoin","assignment_size":2}}
        """#

    @Test("a report decodes into typed values")
    func decodesSample() throws {
        let statistics = try KafkaStatistics.decode(Array(Self.sample.utf8))
        #expect(statistics.clientName == "millrace#consumer-1")
        #expect(statistics.clientType == "consumer")
        #expect(statistics.timeUnixSeconds == 1_764_000_000)
        #expect(statistics.totals.messagesReceived == 300)
        #expect(statistics.brokers.count == 1)
        #expect(statistics.brokers[0].rttAverageUs == 250)
        #expect(statistics.brokers[0].rttP99Us == 880)
        #expect(statistics.brokers[0].receiveErrors == 2)
        #expect(statistics.partitions.map(\.topicPartition.partition) == [0, 1])
        #expect(statistics.partitions[0].fetchQueueMessages == 12)
        #expect(statistics.partitions[0].highWatermark == 150)
        #expect(statistics.partitions[0].committedOffset == 100)
        #expect(statistics.partitions[1].nextOffset == -1)
        #expect(statistics.totalConsumerLag == 50)
        #expect(statistics.group?.rebalanceCount == 2)
        #expect(statistics.group?.assignmentSize == 2)
    }

    @Test("a report that is not JSON is a bad-message error")
    func rejectsGarbage() throws {
        let error = try #require(throws: KafkaError.self) { try KafkaStatistics.decode(Array("{not json".utf8)) }
        #expect(error.code == .badMessage)
    }

    @Test("a consumer on the mock cluster reports statistics with its partitions and group")
    func liveStatistics() async throws {
        let topic = uniqueName("stats")
        let kafka = try KafkaTestCluster(brokers: 1, topics: [topic: 2])
        try await kafka.produce(topic, count: 20)
        let reports = Mutex<[KafkaStatistics]>([])
        var configuration = kafka.consumerConfiguration(group: uniqueName("g"))
        configuration.connection.statisticsIntervalMs = 1_000
        let consumer = try KafkaConsumer(configuration: configuration, logger: KafkaTestCluster.logger) { statistics in
            reports.withLock { $0.append(statistics) }
        }
        let loop = ConsumerLoop(consumer)
        try loop.start(subscribing: [topic])
        try await eventually("a report with both partitions consumed") {
            reports.withLock { reports in
                reports.contains { report in
                    report.partitions.filter { $0.topicPartition.topic == topic }.count == 2
                        && report.totals.messagesReceived >= 20 && report.group?.state == "up"
                }
            }
        }
        await loop.stop()
        let last = try #require(reports.withLock { $0.last })
        #expect(last.clientType == "consumer")
        #expect(!last.brokers.isEmpty)
    }
}
