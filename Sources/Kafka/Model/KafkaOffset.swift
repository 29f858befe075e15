/// librdkafka's logical offsets (rdkafka.h, `RD_KAFKA_OFFSET_*`), for `assign`, `seek` and
/// the values `committed` reports. Real offsets are 0 or more.
public enum KafkaOffset {
    /// The oldest offset still retained in the partition.
    public static let beginning: Int64 = -2
    /// The offset the next produced message will get (the high watermark).
    public static let end: Int64 = -1
    /// The offset committed for the group (or `auto.offset.reset` when none).
    public static let stored: Int64 = -1000
    /// No offset: "never committed" in `committed` results, "use the committed offset" in
    /// `assign`.
    public static let invalid: Int64 = -1001
}
