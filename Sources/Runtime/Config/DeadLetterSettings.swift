/// Where dead letters go. They are always committed with their batch.
public struct DeadLetterSettings: Sendable, Hashable, Codable, StrictlyDecodable {
    /// Key prefix of the NDJSON dead-letter files in the staging store (original bytes in
    /// base64, with topic, partition, offset, reason). Default: `dlq/`.
    public var prefix: String = "dlq/"

    /// The defaults.
    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case prefix
    }

    static let knownKeys = CodingKeys.allCases.map(\.rawValue)

    public init(from decoder: any Decoder) throws {
        try Self.rejectUnknownKeys(in: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        prefix = try c.value(.prefix, default: DeadLetterSettings().prefix)
    }
}
