/// Which tables run, and where their declarations live.
public struct SchemaSettings: Sendable, Hashable, Codable, StrictlyDecodable {
    /// The `Schemas/` folder, relative to the working directory. Default: found by
    /// `SchemasLocation` (`./Schemas`, beside the configuration file, beside the binary).
    public var dir: String = "Schemas"
    /// Warehouse tables to produce; empty means every table fed by a configured topic.
    /// Default: empty.
    public var tables: [String] = []
    /// Also write each evolved version this worker commits into `dir` (`{table}/v{n}.yaml`), for
    /// review and commit with the code (a batch another worker started and this one recovered
    /// is not written here). The staging store's copy (`_millrace/schemas/`) is the one workers
    /// read; a failure to write here is logged, never fatal. Default: false.
    public var writeEvolved = false

    /// The defaults.
    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case dir, tables, writeEvolved = "write_evolved"
    }

    static let knownKeys = CodingKeys.allCases.map(\.rawValue)

    public init(from decoder: any Decoder) throws {
        try Self.rejectUnknownKeys(in: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        dir = try c.value(.dir, default: SchemaSettings().dir)
        tables = try c.value(.tables, default: SchemaSettings().tables)
        writeEvolved = try c.value(.writeEvolved, default: SchemaSettings().writeEvolved)
    }
}
