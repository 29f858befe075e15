public import CDC
import Catalog
public import Staging

/// Dead letters as NDJSON, one object per record, in CDC's one dead-letter format
/// (`DeadLetter.writeJSON(to:batch:)`): the original key and value bytes in base64, so that
/// nothing is lost and every record can be replayed, tagged with the batch that committed it.
public enum DeadLetterLines {
    /// The NDJSON text of `letters` (each line ends with `\n`).
    public static func encode(_ letters: [DeadLetter], batch: BatchID?) -> [UInt8] {
        var writer = JSONWriter(capacity: letters.count * 256)
        for letter in letters {
            letter.writeJSON(to: &writer, batch: batch?.rawValue)
            writer.byte(10)
        }
        return writer.bytes
    }
}
