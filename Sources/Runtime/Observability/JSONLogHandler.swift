import Catalog
import Foundation
public import Logging
import Synchronization

/// A swift-log handler writing one JSON object per line to standard error, for container log
/// pipelines: `{"ts":"…Z","level":"info","logger":"millrace.worker","msg":"…", …metadata}`.
///
/// Metadata values keep their JSON types: `.stringConvertible` integers and floating-point
/// numbers become JSON numbers, a `Duration` becomes its seconds (a number), booleans become
/// `true`/`false`, `.array` and `.dictionary` become arrays and objects, everything else a
/// string. So `{"rows":42,"seconds":1.25}`, never `"42"`: log pipelines can sum and compare
/// them. Callers never put secrets in messages or metadata; the AWS and Kafka layers keep
/// credentials out of what they log.
public struct JSONLogHandler: LogHandler {
    /// Logger metadata attached to every line.
    public var metadata: Logger.Metadata = [:]
    /// The minimum level written.
    public var logLevel: Logger.Level = .info
    private let label: String
    private let output: @Sendable (String) -> Void

    /// A handler for the logger `label`, writing to standard error unless `output` is given.
    public init(label: String, output: (@Sendable (String) -> Void)? = nil) {
        self.label = label
        self.output = output ?? { line in
            JSONLogHandler.standardError.withLock { _ in FileHandle.standardError.write(Data(line.utf8)) }
        }
    }

    private static let standardError = Mutex<Void>(())

    /// Reads or sets one entry of the handler's `metadata`.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes `event` as one JSON line: ts, level, logger, msg, then the handler's and the event's
    /// metadata (the event's wins) sorted by key, skipping keys that clash with the four fixed fields.
    public func log(event: LogEvent) {
        var line = JSONWriter(capacity: 256)
        line.raw("{")
        line.key("ts")
        line.string(Self.timestamp())
        line.raw(",")
        line.key("level")
        line.string(event.level.rawValue)
        line.raw(",")
        line.key("logger")
        line.string(label)
        line.raw(",")
        line.key("msg")
        line.string(event.message.description)
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) where !["ts", "level", "logger", "msg"].contains(key) {
            line.raw(",")
            line.key(key)
            Self.write(value, to: &line)
        }
        line.raw("}\n")
        output(line.text)
    }

    /// Writes one metadata value with its JSON type (see the type's comment).
    static func write(_ value: Logger.Metadata.Value, to line: inout JSONWriter) {
        switch value {
        case .string(let text):
            line.string(text)
        case .stringConvertible(let convertible):
            switch convertible {
            case let flag as Bool:
                line.raw(flag ? "true" : "false")
            case let duration as Duration:
                line.double(duration.seconds)
            case let integer as any BinaryInteger:
                line.integer(integer)
            case let number as any BinaryFloatingPoint:
                let double = Double(number)
                // JSON has no NaN or infinities: those stay strings.
                if double.isFinite { line.double(double) } else { line.string("\(double)") }
            default:
                line.string(convertible.description)
            }
        case .array(let values):
            line.raw("[")
            for (index, element) in values.enumerated() {
                if index > 0 { line.raw(",") }
                write(element, to: &line)
            }
            line.raw("]")
        case .dictionary(let values):
            line.raw("{")
            for (index, (key, element)) in values.sorted(by: { $0.key < $1.key }).enumerated() {
                if index > 0 { line.raw(",") }
                line.key(key)
                write(element, to: &line)
            }
            line.raw("}")
        }
    }

    private static func timestamp() -> String {
        Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }
}
