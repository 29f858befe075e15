/// Limits and sizing of a `ChangeDecoder`.
public struct DecoderConfiguration: Sendable, Hashable {
    /// The largest record (key plus value) decoded, in bytes; larger ones become `oversized`
    /// dead letters without being parsed. Default: 1 048 576 (1 MiB, Kafka's default
    /// `message.max.bytes`).
    public var maxMessageBytes: Int = 1_048_576
    /// The deepest nesting of JSON objects and arrays accepted, 1...64; deeper input is
    /// `malformed_json`. Bounds the decoder's work on hostile input. Default: 64.
    public var maxNestingDepth: Int = 64
    /// Distinct Connect schemas remembered per table before the cache starts over (bounds
    /// memory under schema churn; a DDL rollout needs two or three). Default: 64.
    public var maxCachedSchemas: Int = 64
    /// Rows reserved in each column builder up front, and at least after each batch is taken.
    /// Default: 8192.
    public var initialRowCapacity: Int = 8_192
    /// The connector's `unavailable.value.placeholder`: what Debezium sends instead of an
    /// unchanged TOASTed value (postgresql.adoc, "Toasted values"). A column carrying it, in
    /// its form for the column's type, is staged as unchanged (`_unchanged`) instead of as a
    /// value. `hex:` followed by hex digits gives the placeholder's bytes, as in the connector.
    /// Default: __debezium_unavailable_value.
    public var unavailableValuePlaceholder: String = "__debezium_unavailable_value"

    /// The defaults.
    public init() {}

    /// Throws `invalidConfiguration` when a value is out of range.
    public func validate() throws(CDCError) {
        guard maxMessageBytes > 0 else { throw CDCError(.invalidConfiguration, "maxMessageBytes must be positive") }
        guard (1...64).contains(maxNestingDepth) else { throw CDCError(.invalidConfiguration, "maxNestingDepth must be 1...64") }
        guard maxCachedSchemas > 0 else { throw CDCError(.invalidConfiguration, "maxCachedSchemas must be positive") }
        guard initialRowCapacity >= 0 else { throw CDCError(.invalidConfiguration, "initialRowCapacity must not be negative") }
        guard UnavailableValue(placeholder: unavailableValuePlaceholder) != nil else {
            throw CDCError(.invalidConfiguration, "unavailableValuePlaceholder must be non-empty text, or `hex:` and an even number of hex digits")
        }
    }
}
