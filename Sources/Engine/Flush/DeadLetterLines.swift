public import CDC
public import Catalog
import Foundation

/// Dead letters as NDJSON, one object per record, with the original key and value bytes in
/// base64 so that nothing is lost and every record can be replayed:
///
/// `{"batch":…,"topic":…,"partition":…,"offset":…,"timestamp_ms":…,"reason":…,"message":…,
/// "key_base64":…|null,"value_base64":…|null}`
public enum DeadLetterLines {
    /// The NDJSON text of `letters` (each line ends with `\n`).
    public static func encode(_ letters: [DeadLetter], batch: BatchID?) -> [UInt8] {
        var writer = JSONWriter(capacity: letters.count * 256)
        for letter in letters {
            write(letter, batch: batch, to: &writer)
            writer.byte(10)
        }
        return writer.bytes
    }

    /// Writes one dead letter as a JSON object.
    public static func write(_ letter: DeadLetter, batch: BatchID?, to writer: inout JSONWriter) {
        writer.byte(UInt8(ascii: "{"))
        if let batch {
            writer.key("batch")
            writer.string(batch.rawValue)
            writer.byte(UInt8(ascii: ","))
        }
        writer.key("topic")
        writer.string(letter.topic)
        writer.raw(",")
        writer.key("partition")
        writer.integer(letter.partition)
        writer.raw(",")
        writer.key("offset")
        writer.integer(letter.offset)
        writer.raw(",")
        writer.key("timestamp_ms")
        writer.integer(letter.timestampMs)
        writer.raw(",")
        writer.key("reason")
        writer.string(letter.reason.description)
        writer.raw(",")
        writer.key("message")
        writer.string(letter.message)
        writer.raw(",")
        writer.key("key_base64")
        if let key = letter.key { writer.string(Data(key).base64EncodedString()) } else { writer.null() }
        writer.raw(",")
        writer.key("value_base64")
        if let value = letter.value { writer.string(Data(value).base64EncodedString()) } else { writer.null() }
        writer.byte(UInt8(ascii: "}"))
    }
}
