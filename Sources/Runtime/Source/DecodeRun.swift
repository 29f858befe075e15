public import CDC
import Foundation

/// `millrace decode`'s work: every line of an input file (Debezium values, or kcat `-J`
/// envelopes) decoded, each record described as one NDJSON line (`RecordReport`): the typed row,
/// the heartbeat time, or the dead-letter reason with the original bytes, and each schema change
/// the records imply. The operator's answer to "why did this record go to the dead-letter queue?".
public enum DecodeRun {
    /// How input lines are read.
    public enum Format: String, Sendable, CaseIterable {
        /// kcat envelopes where a line looks like one, values otherwise.
        case auto
        /// One raw message value per line, all of one topic (offsets are line numbers from 0).
        case values
        /// kcat `-J` envelopes, each with its topic, partition, offset, timestamp and key.
        case kcat
    }

    /// What the lines became.
    public struct Counts: Sendable, Hashable {
        /// Lines decoded into rows.
        public var rows = 0
        /// Heartbeats.
        public var heartbeats = 0
        /// Lines that would go to the dead-letter queue.
        public var deadLetters = 0
    }

    /// Decodes every line of `path` with `decoder`, handing each NDJSON description to `emit`.
    /// Value lines need `topic` (a usage error otherwise, checked by the caller). Throws
    /// `RuntimeError(.input)` when the file cannot be read.
    public static func run(
        path: String, format: Format, topic: String?, decoder: ChangeDecoder, emit: ([UInt8]) -> Void
    ) throws -> Counts {
        var counts = Counts()
        try LineReader().forEachLine(path: path) { line in
            var bytes = line.bytes
            if bytes.last == UInt8(ascii: "\r") { bytes = UnsafeRawBufferPointer(rebasing: bytes.dropLast()) }
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return true }
            let isEnvelope = format == .kcat || (format == .auto && KcatEnvelope.looksLikeEnvelope(bytes))
            let record: KcatEnvelope
            if line.isTruncated {
                emit(Array("{\"line\":\(line.number),\"error\":\"the line is longer than the reader's limit\"}".utf8))
                counts.deadLetters += 1
                return true
            } else if isEnvelope {
                guard let envelope = KcatEnvelope.parse(bytes) else {
                    emit(Array("{\"line\":\(line.number),\"error\":\"not a kcat -J envelope\"}".utf8))
                    counts.deadLetters += 1
                    return true
                }
                record = envelope
            } else {
                record = KcatEnvelope(
                    topic: topic ?? "", partition: 0, offset: Int64(line.number - 1), timestampMs: 0, key: nil, payload: Array(bytes))
            }
            let (outcome, json) = RecordReport.decode(record, line: line.number, with: decoder)
            switch outcome {
            case .row: counts.rows += 1
            case .heartbeat: counts.heartbeats += 1
            case .deadLetter: counts.deadLetters += 1
            }
            emit(json)
            for change in decoder.takeSchemaChanges() { emit(RecordReport.describe(change)) }
            return true
        }
        return counts
    }
}
