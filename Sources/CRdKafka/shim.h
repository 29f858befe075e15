// librdkafka, including the mock cluster API (librdkafka-dev).
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

/// rd_kafka_mock_broker_push_request_error_rtts for one (error, RTT) pair: Swift cannot call
/// the variadic original, and pushing one pair at a time appends them in order.
static inline rd_kafka_resp_err_t millrace_mock_broker_push_request_error_rtt(
    rd_kafka_mock_cluster_t *mcluster, int32_t broker_id, int16_t api_key, rd_kafka_resp_err_t err, int rtt_ms) {
    return rd_kafka_mock_broker_push_request_error_rtts(mcluster, broker_id, api_key, 1, err, rtt_ms);
}
