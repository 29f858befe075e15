import CRdKafka

/// librdkafka's names and descriptions of error codes.
enum RDKafkaErrorNames {
    /// `rd_kafka_err2name`: the symbolic name, e.g. `ILLEGAL_GENERATION`.
    static func name(of code: Int32) -> String {
        String(cString: rd_kafka_err2name(rd_kafka_resp_err_t(rawValue: code)))
    }

    /// `rd_kafka_err2str`: the human description.
    static func text(of code: Int32) -> String {
        String(cString: rd_kafka_err2str(rd_kafka_resp_err_t(rawValue: code)))
    }
}

extension KafkaError {
    /// An error for librdkafka's `code` returned by `operation`.
    init(_ code: rd_kafka_resp_err_t, while operation: String) {
        self.init(Code(rawValue: code.rawValue), "\(operation): \(RDKafkaErrorNames.text(of: code.rawValue))")
    }

    /// Converts and destroys an `rd_kafka_error_t`, keeping librdkafka's own classification
    /// (fatal, retriable, transaction requires abort).
    init(consuming error: OpaquePointer, while operation: String) {
        defer { rd_kafka_error_destroy(error) }
        let reason = rd_kafka_error_string(error).map { String(cString: $0) } ?? ""
        self.init(
            Code(rawValue: rd_kafka_error_code(error).rawValue),
            "\(operation): \(reason)",
            fatal: rd_kafka_error_is_fatal(error) != 0,
            retriable: rd_kafka_error_is_retriable(error) != 0,
            transactionRequiresAbort: rd_kafka_error_txn_requires_abort(error) != 0
        )
    }

    /// The error of a failed delivery, naming where the message was going: its topic and
    /// partition (`[-1]` while no partition was chosen) and librdkafka's reason.
    static func deliveryFailed(_ delivery: RDKafkaDelivery) -> KafkaError {
        let partition = KafkaTopicPartition(topic: delivery.topic, partition: delivery.partition)
        return KafkaError(delivery.code, "delivery to \(partition) failed: \(RDKafkaErrorNames.text(of: delivery.code.rawValue))")
    }

    /// Throws when `code` is not `NO_ERROR`.
    static func check(_ code: rd_kafka_resp_err_t, while operation: String) throws(KafkaError) {
        if code != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError(code, while: operation)
        }
    }

    /// Throws (and destroys) `error` when it is not nil.
    static func check(_ error: OpaquePointer?, while operation: String) throws(KafkaError) {
        if let error {
            throw KafkaError(consuming: error, while: operation)
        }
    }
}
