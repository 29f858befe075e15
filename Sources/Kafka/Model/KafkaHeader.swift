/// One message header: a name and an optional byte value.
public struct KafkaHeader: Hashable, Sendable {
    /// Header name (UTF-8).
    public var name: String
    /// Header value, or nil for a header without value.
    public var value: [UInt8]?

    /// A header `name` with `value`.
    public init(name: String, value: [UInt8]?) {
        self.name = name
        self.value = value
    }
}
