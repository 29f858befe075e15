import Catalog

extension ChangeDecoder {
    /// The source time of a heartbeat record, in UTC microseconds: Debezium's heartbeat value
    /// (`{"ts_ms": …}`, schema `io.debezium.connector.common.Heartbeat`) or a change of the
    /// `_heartbeat` table (unwrapped or enveloped, `last_heartbeat` a ZonedTimestamp). A
    /// tombstone carries no time (nil). Heartbeats arrive every 10 s, so this cold path parses
    /// the whole value.
    func decodeHeartbeat(_ source: HeartbeatSource, value: UnsafeRawBufferPointer?) throws(DecodeFailure) -> Int64? {
        guard let value else { return nil }
        let document = try JSONValue.parse(value, maxDepth: configuration.maxNestingDepth)
        var payload = document
        if case .object(let members) = document, members.count == 2, document["schema"] != nil, let inner = document["payload"] {
            payload = inner
        }
        if payload.isNull { return nil }
        if let after = payload["after"], case .object = after {
            payload = after
        }
        guard let field = payload[source.field], !field.isNull else {
            throw DecodeFailure(.missingRequiredField, "heartbeat has no `\(source.field)`")
        }
        switch field {
        case .number:
            guard let millis = field.int64 else { throw DecodeFailure(.typeMismatch, "heartbeat `\(source.field)` is not an integer") }
            let (micros, overflow) = millis.multipliedReportingOverflow(by: 1000)
            guard !overflow else { throw DecodeFailure(.badTimestamp, "heartbeat time \(millis) ms is out of range") }
            return micros
        case .string(let text):
            var bytes = Array(text.utf8)
            let count = bytes.count
            let result: Result<Int64, DecodeFailure> = bytes.withUnsafeMutableBufferPointer { buffer in
                Result { () throws(DecodeFailure) -> Int64 in
                    guard let base = buffer.baseAddress else { throw DecodeFailure(.badTimestamp, "empty heartbeat time") }
                    return try TimeParser.zonedTimestamp(base, length: count)
                }
            }
            return try result.get()
        default:
            throw DecodeFailure(.typeMismatch, "heartbeat `\(source.field)` is neither epoch milliseconds nor an ISO-8601 string")
        }
    }
}
