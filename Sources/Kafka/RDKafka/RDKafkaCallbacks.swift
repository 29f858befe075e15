import CRdKafka
import Logging
import Synchronization

/// A rebalance as librdkafka's rebalance callback reports it, converted to Swift values.
struct RDKafkaRebalance {
    /// What happened.
    enum Kind: Equatable {
        /// Partitions were added to this member.
        case assign
        /// Partitions are being taken away; the member still owns them until it returns.
        case revoke
        /// Partitions were lost without a revoke (session or poll timeout): commits fail.
        case lost
        /// The rebalance failed with this code; librdkafka expects a full unassign.
        case failed(KafkaError.Code)
    }

    /// What happened.
    var kind: Kind
    /// The partitions concerned (empty for `.failed`).
    var partitions: [KafkaTopicPartition]
    /// True when the group uses the cooperative protocol (incremental assign and unassign).
    var cooperative: Bool
}

/// A delivery report from librdkafka's `dr_msg_cb`, converted to Swift values.
struct RDKafkaDelivery {
    /// The per-message opaque given to `produce`, nil for fire-and-forget messages.
    var opaque: UnsafeMutableRawPointer?
    /// Topic name; only read for messages with an opaque and for failed deliveries
    /// (a delivered fire-and-forget message skips the String).
    var topic: String
    /// Partition the message went to (or -1 when unknown).
    var partition: Int32
    /// Offset assigned by the broker (or -1 when not delivered or unknown).
    var offset: Int64
    /// `.noError` when delivered.
    var code: KafkaError.Code
}

/// What a client's C callbacks call into. One instance per `rd_kafka_t`, installed as the
/// configuration's opaque pointer; it outlives the handle (`RDKafkaClient` releases it only
/// after `rd_kafka_destroy` returns).
///
/// The log, statistics, error and OAUTHBEARER callbacks are fixed at creation. The rebalance
/// and delivery targets are set once the owning consumer or producer exists, under a lock.
final class RDKafkaCallbacks: @unchecked Sendable {
    /// Where librdkafka's log lines go.
    let logger: Logger
    /// Receives each statistics JSON document (copied), off the polling thread.
    let statistics: (@Sendable ([UInt8]) -> Void)?
    /// Makes OAUTHBEARER tokens.
    let oauthBearerTokenProvider: KafkaOAuthBearerTokenProvider?
    /// Receives global client errors (`error_cb`), e.g. all brokers down or fatal errors.
    let clientError: @Sendable (KafkaError) -> Void

    private let targets = Mutex<Targets>(Targets())

    private struct Targets: @unchecked Sendable {
        var rebalance: ((RDKafkaRebalance) -> Void)?
        var delivery: ((RDKafkaDelivery) -> Void)?
    }

    init(
        logger: Logger,
        statistics: (@Sendable ([UInt8]) -> Void)?,
        oauthBearerTokenProvider: KafkaOAuthBearerTokenProvider?,
        clientError: @escaping @Sendable (KafkaError) -> Void
    ) {
        self.logger = logger
        self.statistics = statistics
        self.oauthBearerTokenProvider = oauthBearerTokenProvider
        self.clientError = clientError
    }

    /// Installs (or with nil removes) the consumer's rebalance target. It runs on the thread
    /// that polls, inside the poll call.
    func setRebalanceTarget(_ target: ((RDKafkaRebalance) -> Void)?) {
        targets.withLock { $0.rebalance = target }
    }

    /// Installs (or with nil removes) the producer's delivery-report target. It runs on the
    /// producer's poll thread.
    func setDeliveryTarget(_ target: ((RDKafkaDelivery) -> Void)?) {
        targets.withLock { $0.delivery = target }
    }

    fileprivate var rebalanceTarget: ((RDKafkaRebalance) -> Void)? { targets.withLock { $0.rebalance } }
    fileprivate var deliveryTarget: ((RDKafkaDelivery) -> Void)? { targets.withLock { $0.delivery } }

    /// Registers every callback this context serves on `conf`, with the context as opaque.
    func install(on conf: OpaquePointer, consumer: Bool) {
        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(self).toOpaque())
        rd_kafka_conf_set_log_cb(conf, rdkafkaLogCallback)
        rd_kafka_conf_set_error_cb(conf, rdkafkaErrorCallback)
        if statistics != nil {
            rd_kafka_conf_set_stats_cb(conf, rdkafkaStatisticsCallback)
        }
        if oauthBearerTokenProvider != nil {
            rd_kafka_conf_set_oauthbearer_token_refresh_cb(conf, rdkafkaOAuthBearerRefreshCallback)
            // Serve refreshes on librdkafka's background thread, not from our poll calls.
            rd_kafka_conf_enable_sasl_queue(conf, 1)
        }
        if consumer {
            rd_kafka_conf_set_rebalance_cb(conf, rdkafkaRebalanceCallback)
        } else {
            rd_kafka_conf_set_dr_msg_cb(conf, rdkafkaDeliveryCallback)
        }
    }

    /// The context installed on `rk`, if any.
    fileprivate static func of(_ rk: OpaquePointer?) -> RDKafkaCallbacks? {
        guard let rk, let opaque = rd_kafka_opaque(rk) else { return nil }
        return Unmanaged<RDKafkaCallbacks>.fromOpaque(opaque).takeUnretainedValue()
    }
}

// MARK: - C trampolines (no captures, so they convert to C function pointers)

/// `log_cb`: librdkafka's log lines (syslog levels) to swift-log. Runs on librdkafka's
/// internal threads. librdkafka redacts sensitive properties itself (rdkafka_conf.c,
/// `_RK_SENSITIVE`), and no callback of ours logs a credential.
private func rdkafkaLogCallback(_ rk: OpaquePointer?, _ level: Int32, _ facility: UnsafePointer<CChar>?, _ line: UnsafePointer<CChar>?) {
    guard let callbacks = RDKafkaCallbacks.of(rk), let line else { return }
    let swiftLevel: Logger.Level
    switch level {
    case ...2: swiftLevel = .critical
    case 3: swiftLevel = .error
    case 4: swiftLevel = .warning
    case 5: swiftLevel = .notice
    case 6: swiftLevel = .info
    default: swiftLevel = .debug
    }
    guard callbacks.logger.logLevel <= swiftLevel else { return }
    let facilityName = facility.map { String(cString: $0) } ?? "-"
    // The instance name tells the clients of one process apart (several consumers in a test).
    let client = rk.map { String(cString: rd_kafka_name($0)) } ?? "-"
    callbacks.logger.log(level: swiftLevel, "\(String(cString: line))", metadata: [
        "librdkafka.facility": "\(facilityName)", "client": "\(client)"])
}

/// `error_cb`: global errors. For `_FATAL` the underlying fatal error is fetched.
private func rdkafkaErrorCallback(_ rk: OpaquePointer?, _ code: Int32, _ reason: UnsafePointer<CChar>?, _ opaque: UnsafeMutableRawPointer?) {
    guard let rk, let opaque else { return }
    let callbacks = Unmanaged<RDKafkaCallbacks>.fromOpaque(opaque).takeUnretainedValue()
    let text = reason.map { String(cString: $0) } ?? ""
    if code == RD_KAFKA_RESP_ERR__FATAL.rawValue, let fatal = RDKafkaClient.fatalError(of: rk) {
        callbacks.clientError(fatal)
    } else {
        callbacks.clientError(KafkaError(KafkaError.Code(rawValue: code), text))
    }
}

/// `stats_cb`: copies the JSON and hands it off; parsing happens on another queue.
/// Returning 0 lets librdkafka free the buffer.
private func rdkafkaStatisticsCallback(_ rk: OpaquePointer?, _ json: UnsafeMutablePointer<CChar>?, _ length: Int, _ opaque: UnsafeMutableRawPointer?) -> Int32 {
    guard let json, let opaque else { return 0 }
    let callbacks = Unmanaged<RDKafkaCallbacks>.fromOpaque(opaque).takeUnretainedValue()
    let bytes = [UInt8](UnsafeRawBufferPointer(start: json, count: length))
    callbacks.statistics?(bytes)
    return 0
}

/// `oauthbearer_token_refresh_cb`: asks the provider for a token and hands it to librdkafka.
private func rdkafkaOAuthBearerRefreshCallback(_ rk: OpaquePointer?, _ config: UnsafePointer<CChar>?, _ opaque: UnsafeMutableRawPointer?) {
    guard let rk, let opaque else { return }
    let callbacks = Unmanaged<RDKafkaCallbacks>.fromOpaque(opaque).takeUnretainedValue()
    guard let provider = callbacks.oauthBearerTokenProvider else { return }
    do {
        let token = try provider(config.map { String(cString: $0) })
        try RDKafkaOAuthBearer.setToken(token, on: rk)
    } catch {
        // The provider's error text is ours to keep secret-free; the token never is logged.
        callbacks.logger.warning("OAUTHBEARER token refresh failed", metadata: ["error": "\(error)"])
        RDKafkaOAuthBearer.setFailure("token provider failed: \(error)", on: rk)
    }
}

/// `rebalance_cb`: reports the rebalance to the consumer, then performs the incremental (or
/// eager) assign or unassign librdkafka waits for. Runs on the polling thread.
private func rdkafkaRebalanceCallback(
    _ rk: OpaquePointer?,
    _ code: rd_kafka_resp_err_t,
    _ partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?,
    _ opaque: UnsafeMutableRawPointer?
) {
    guard let rk, let opaque else { return }
    let callbacks = Unmanaged<RDKafkaCallbacks>.fromOpaque(opaque).takeUnretainedValue()
    let cooperative = RDKafkaClient.isCooperative(rk)
    let kind: RDKafkaRebalance.Kind
    switch code {
    case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS: kind = .assign
    case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS: kind = rd_kafka_assignment_lost(rk) != 0 ? .lost : .revoke
    default: kind = .failed(KafkaError.Code(rawValue: code.rawValue))
    }
    let list = partitions.map { RDKafkaTopicPartitionList.read($0).map(\.topicPartition) } ?? []
    let event = RDKafkaRebalance(kind: kind, partitions: list, cooperative: cooperative)
    callbacks.rebalanceTarget?(event)
    if let failure = RDKafkaClient.applyRebalance(event, list: partitions, on: rk) {
        callbacks.logger.error("applying a rebalance failed", metadata: ["error": "\(failure)"])
        callbacks.clientError(failure)
    }
}

/// `dr_msg_cb`: one delivery report per produced message. Runs on the producer's poll thread.
private func rdkafkaDeliveryCallback(_ rk: OpaquePointer?, _ message: UnsafePointer<rd_kafka_message_t>?, _ opaque: UnsafeMutableRawPointer?) {
    guard let message, let opaque else { return }
    let callbacks = Unmanaged<RDKafkaCallbacks>.fromOpaque(opaque).takeUnretainedValue()
    guard let target = callbacks.deliveryTarget else { return }
    let messageOpaque = message.pointee._private
    let failed = message.pointee.err != RD_KAFKA_RESP_ERR_NO_ERROR
    let topic = messageOpaque == nil && !failed ? "" : message.pointee.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? ""
    target(
        RDKafkaDelivery(
            opaque: messageOpaque,
            topic: topic,
            partition: message.pointee.partition,
            offset: message.pointee.offset,
            code: KafkaError.Code(rawValue: message.pointee.err.rawValue)
        )
    )
}
