/// A dimension loaded from a snapshot file rather than a CDC topic (`dim_attributes`).
/// Which columns it holds and how facts join it is declared in `Schemas/`.
public struct SnapshotDimensionSettings: Sendable, Hashable, Codable, StrictlyDecodable {
    /// A local path or an `s3://bucket/key` URL. Required.
    public var snapshot: String
    /// `csv`, `ndjson` or `parquet`; empty means from the file extension. Default: empty.
    public var format: String = ""
    /// How often the snapshot is reloaded. Default: `5m`.
    public var refresh: ConfigDuration = .minutes(5)

    /// A snapshot dimension read from `snapshot`.
    public init(snapshot: String) {
        self.snapshot = snapshot
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case snapshot, format, refresh
    }

    static let knownKeys = CodingKeys.allCases.map(\.rawValue)

    public init(from decoder: any Decoder) throws {
        try Self.rejectUnknownKeys(in: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        snapshot = try c.decode(String.self, forKey: .snapshot)
        format = try c.value(.format, default: "")
        refresh = try c.value(.refresh, default: .minutes(5))
    }
}
