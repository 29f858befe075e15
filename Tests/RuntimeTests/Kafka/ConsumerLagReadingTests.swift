import Kafka
import Runtime
import Staging
import Testing

/// Consumer lag read from librdkafka's statistics: which partitions count, and when a reading is
/// fresh.
@Suite("Consumer lag from statistics")
struct ConsumerLagReadingTests {
    /// A consumer's report in librdkafka 2.0.2's shape (STATISTICS.md, "partitions" and
    /// "brokers"): partition 0 led by an UP broker, 1 by a broker the client lost, 2 assigned
    /// before its first fetch (lag -1), 3 not assigned (fetch state `none`), and librdkafka's
    /// internal partition -1.
    static func report(leaderOfOne: Int32 = 2, lagOfTwo: Int = -1) -> String {
        #"""
        {"name":"millrace#consumer-1","client_id":"millrace","type":"consumer","ts":1,"time":1764000000,
         "brokers":{"127.0.0.1:9092/1":{"name":"127.0.0.1:9092/1","nodeid":1,"state":"UP"},
                    "127.0.0.1:9093/2":{"name":"127.0.0.1:9093/2","nodeid":2,"state":"DOWN"}},
         "topics":{"orders":{"topic":"orders","partitions":{
           "0":{"partition":0,"leader":1,"fetch_state":"active","consumer_lag":42,"hi_offset":150},
           "1":{"partition":1,"leader":\#(leaderOfOne),"fetch_state":"active","consumer_lag":8,"hi_offset":8},
           "2":{"partition":2,"leader":1,"fetch_state":"offset-query","consumer_lag":\#(lagOfTwo)},
           "3":{"partition":3,"leader":1,"fetch_state":"none","consumer_lag":-1},
           "-1":{"partition":-1,"leader":-1,"consumer_lag":-1}}}}}
        """#
    }

    private func partition(_ number: Int32) -> SourcePartition { SourcePartition(topic: "orders", partition: number) }

    @Test("assigned partitions with a known lag are read; a lag unknown or a leader down makes the reading incomplete")
    func reading() throws {
        let incomplete = ConsumerLagReading(try KafkaStatistics.decode(Array(Self.report().utf8)))
        #expect(incomplete.lags == [partition(0): 42, partition(1): 8])
        #expect(!incomplete.isComplete)
        // Partition 1's leader down only: still incomplete (its high watermark is frozen).
        #expect(!ConsumerLagReading(try KafkaStatistics.decode(Array(Self.report(lagOfTwo: 5).utf8))).isComplete)
        let fresh = ConsumerLagReading(try KafkaStatistics.decode(Array(Self.report(leaderOfOne: 1, lagOfTwo: 5).utf8)))
        #expect(fresh.lags == [partition(0): 42, partition(1): 8, partition(2): 5])
        #expect(fresh.isComplete)
    }
}
