import CRdKafka

/// Owns one `rd_kafka_t` and the callback context installed on it.
///
/// The handle is destroyed in `deinit`, after which the context is released, so a callback
/// never sees a freed context. librdkafka's API is thread-safe; what must stay on one thread
/// (polling) is enforced by the consumer's state machine, not here.
final class RDKafkaClient: @unchecked Sendable {
    /// Which kind of `rd_kafka_t`.
    enum Kind {
        case consumer
        case producer
    }

    /// The `rd_kafka_t`.
    let handle: OpaquePointer
    /// The context of its callbacks.
    let callbacks: RDKafkaCallbacks
    /// Which kind of client it is.
    let kind: Kind
    /// librdkafka's instance name, e.g. `millrace#consumer-1`, for logs.
    let name: String
    /// Creates a client from `properties`, with `callbacks` installed.
    ///
    /// A property librdkafka rejects throws `.invalidArgument`; the value of a sensitive
    /// property is withheld from the message.
    init(kind: Kind, properties: KafkaPropertyList, callbacks: RDKafkaCallbacks) throws(KafkaError) {
        let conf: OpaquePointer = rd_kafka_conf_new()
        for (name, value) in properties.pairs {
            let reason = Self.withErrorBuffer { buffer, size in
                rd_kafka_conf_set(conf, name, value, buffer, size) == RD_KAFKA_CONF_OK
            }
            if let reason {
                rd_kafka_conf_destroy(conf)
                let detail = KafkaPropertyList.isSensitive(name) ? "its value was rejected (value withheld)" : reason
                throw KafkaError(.invalidArgument, "librdkafka property \(name): \(detail)")
            }
        }
        callbacks.install(on: conf, consumer: kind == .consumer)
        let type = kind == .consumer ? RD_KAFKA_CONSUMER : RD_KAFKA_PRODUCER
        var created: OpaquePointer?
        let reason = Self.withErrorBuffer { buffer, size in
            created = rd_kafka_new(type, conf, buffer, size)
            return created != nil
        }
        guard let created else {
            // rd_kafka_new takes ownership of conf only on success.
            rd_kafka_conf_destroy(conf)
            throw KafkaError(.invalidArgument, "creating the librdkafka client failed: \(reason ?? "unknown reason")")
        }
        self.handle = created
        self.callbacks = callbacks
        self.kind = kind
        self.name = String(cString: rd_kafka_name(created))
        if callbacks.oauthBearerTokenProvider != nil {
            try KafkaError.check(rd_kafka_sasl_background_callbacks_enable(created), while: "enabling background SASL callbacks")
        }
    }

    deinit {
        if kind == .consumer {
            // A consumer is closed by `KafkaConsumer.close()`, on its polling thread. One that
            // never was leaves without serving rebalance callbacks into its dying owner; the
            // coordinator notices the departure at the session timeout.
            rd_kafka_destroy_flags(handle, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE)
        } else {
            rd_kafka_destroy(handle)
        }
    }

    /// The value librdkafka applies for property `name` on this instance (`rd_kafka_conf_get`
    /// on `rd_kafka_conf`): after defaults and what other properties imply (idempotence sets
    /// `acks`); nil for a name librdkafka does not know. Tests read the defaults back with it.
    func effectiveProperty(_ name: String) -> String? {
        let conf = rd_kafka_conf(handle)
        var size = 0
        guard rd_kafka_conf_get(conf, name, nil, &size) == RD_KAFKA_CONF_OK, size > 0 else { return nil }
        var buffer = [CChar](repeating: 0, count: size)
        guard rd_kafka_conf_get(conf, name, &buffer, &size) == RD_KAFKA_CONF_OK else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The fatal error raised on `rk`, if any (`rd_kafka_fatal_error`), flagged fatal.
    static func fatalError(of rk: OpaquePointer) -> KafkaError? {
        var code = RD_KAFKA_RESP_ERR_NO_ERROR
        let reason = withErrorBuffer { buffer, size in
            code = rd_kafka_fatal_error(rk, buffer, size)
            return code == RD_KAFKA_RESP_ERR_NO_ERROR
        }
        guard code != RD_KAFKA_RESP_ERR_NO_ERROR else { return nil }
        return KafkaError(KafkaError.Code(rawValue: code.rawValue), "fatal error: \(reason ?? "")", fatal: true)
    }

    /// The fatal error raised on this client, if any.
    var fatalError: KafkaError? { Self.fatalError(of: handle) }

    /// Runs `body` with a 512-byte C string buffer; returns the buffer's text when `body`
    /// reports failure (returns false), nil on success.
    static func withErrorBuffer(_ body: (UnsafeMutablePointer<CChar>, Int) -> Bool) -> String? {
        let size = 512
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: size) { buffer -> String? in
            guard let base = buffer.baseAddress else { return "no buffer" }
            base.initialize(repeating: 0, count: size)
            return body(base, size) ? nil : String(cString: base)
        }
    }
}
