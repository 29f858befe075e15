public import Logging

/// How log lines are written.
public enum LogFormat: String, Sendable, Hashable, Codable, CaseIterable {
    /// One JSON object per line (containers, log pipelines).
    case json
    /// swift-log's plain text (a terminal).
    case text
}

/// Metrics, health and logs.
public struct ObservabilitySettings: Sendable, Hashable, Codable, StrictlyDecodable {
    /// `host:port` serving `/metrics` (Prometheus), `/healthz` and `/readyz`; empty disables it.
    /// Default: `0.0.0.0:9464`.
    public var listen: String = "0.0.0.0:9464"
    /// `trace`, `debug`, `info`, `notice`, `warning`, `error` or `critical`. Default: `info`.
    public var logLevel: Logger.Level = .info
    /// `json` (one object per line, for containers) or `text`. Default: `json`.
    public var logFormat: LogFormat = .json

    /// The defaults.
    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case listen, logLevel = "log_level", logFormat = "log_format"
    }

    static let knownKeys = CodingKeys.allCases.map(\.rawValue)

    public init(from decoder: any Decoder) throws {
        try Self.rejectUnknownKeys(in: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = ObservabilitySettings()
        listen = try c.value(.listen, default: d.listen)
        logLevel = try c.choice(.logLevel, default: d.logLevel)
        logFormat = try c.choice(.logFormat, default: d.logFormat)
    }
}
