public import Catalog

extension DeadLetter {
    /// Appends this dead letter as one JSON object, the one dead-letter format of Millrace (the
    /// DLQ's NDJSON lines and `millrace decode`'s `dead_letter` object):
    ///
    /// `{"batch":…,"topic":…,"partition":…,"offset":…,"timestamp_ms":…,"reason":…,"message":…,
    /// "key_base64":…|null,"value_base64":…|null}`
    ///
    /// `batch` is written only when given. `timestamp_ms` is the Kafka timestamp in milliseconds
    /// since the epoch (UTC). The key and value are the original bytes in base64 (RFC 4648
    /// section 4, standard alphabet, padded), `null` for a null key or a tombstone, so that
    /// every record can be replayed byte for byte. Members always come in this order.
    public func writeJSON(to writer: inout JSONWriter, batch: String? = nil) {
        writer.byte(UInt8(ascii: "{"))
        if let batch {
            writer.key("batch")
            writer.string(batch)
            writer.byte(UInt8(ascii: ","))
        }
        writer.key("topic")
        writer.string(topic)
        writer.raw(",\"partition\":")
        writer.integer(partition)
        writer.raw(",\"offset\":")
        writer.integer(offset)
        writer.raw(",\"timestamp_ms\":")
        writer.integer(timestampMs)
        writer.raw(",\"reason\":")
        writer.string(reason.description)
        writer.raw(",\"message\":")
        writer.string(message)
        writer.raw(",\"key_base64\":")
        Self.writeBase64(key, to: &writer)
        writer.raw(",\"value_base64\":")
        Self.writeBase64(value, to: &writer)
        writer.byte(UInt8(ascii: "}"))
    }

    /// This dead letter's JSON object (see `writeJSON(to:batch:)`), UTF-8, without a newline.
    public func json(batch: String? = nil) -> [UInt8] {
        var writer = JSONWriter(capacity: 192 + message.utf8.count + ((key?.count ?? 0) + (value?.count ?? 0)) * 4 / 3)
        writeJSON(to: &writer, batch: batch)
        return writer.bytes
    }

    /// `"<base64>"`, or `null` for nil. Base64 needs no JSON escaping, so it is written as is.
    private static func writeBase64(_ bytes: [UInt8]?, to writer: inout JSONWriter) {
        guard let bytes else {
            writer.null()
            return
        }
        writer.byte(UInt8(ascii: "\""))
        Base64Encoding.encode(bytes, into: &writer.bytes)
        writer.byte(UInt8(ascii: "\""))
    }
}
