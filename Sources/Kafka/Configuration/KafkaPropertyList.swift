/// An ordered set of librdkafka properties, applied to `rd_kafka_conf_t` in order.
///
/// Later assignments replace earlier ones, so client defaults come first and the user's
/// pass-through `properties` last.
struct KafkaPropertyList: Sendable {
    private var order: [String] = []
    private var values: [String: String] = [:]

    /// The value set for `name`, or nil.
    subscript(name: String) -> String? {
        get { values[name] }
        set {
            if values[name] == nil, newValue != nil { order.append(name) }
            if newValue == nil { order.removeAll { $0 == name } }
            values[name] = newValue
        }
    }

    /// Sets every pair of `properties`, in name order so the result is deterministic.
    mutating func merge(_ properties: [String: String]) {
        for name in properties.keys.sorted() {
            self[name] = properties[name]
        }
    }

    /// The properties in the order they were first set.
    var pairs: [(name: String, value: String)] {
        order.compactMap { name in values[name].map { (name: name, value: $0) } }
    }

    /// True for properties whose values are secrets and must never appear in an error or a
    /// log line: librdkafka's own `_RK_SENSITIVE` set (rdkafka_conf.c) plus anything named
    /// like a password, secret or key material.
    static func isSensitive(_ name: String) -> Bool {
        let lowered = name.lowercased()
        if sensitiveNames.contains(lowered) { return true }
        return ["password", "secret", "token", "credential", ".key.pem", "ssl_key"].contains { lowered.contains($0) }
    }

    private static let sensitiveNames: Set<String> = [
        "sasl.username", "sasl.password", "sasl.oauthbearer.config", "ssl.key.location",
        "ssl.key.password", "ssl.key.pem", "ssl_key", "ssl.ca.pem", "ssl.keystore.password",
        "sasl.oauthbearer.client.secret",
    ]
}
