public import Foundation
import Yams

/// Reads the worker configuration: the YAML file, then environment overrides, then validation.
///
/// Environment overrides, for containers: `MILLRACE__<SECTION>__<KEY>=value` sets the key at that
/// path (segments separated by a double underscore, matched case-insensitively), for example
/// `MILLRACE__KAFKA__BOOTSTRAP_SERVERS=b-1.msk:9098` or
/// `MILLRACE__STAGING__BUCKET=eav-olap-prod`. Under `kafka.properties` the last segment names a
/// librdkafka property with dots written as single underscores:
/// `MILLRACE__KAFKA__PROPERTIES__SECURITY_PROTOCOL=SASL_SSL`. Values are read as YAML, so
/// `[a, b]` sets a list.
public enum ConfigurationLoader {
    /// The environment variable prefix of overrides.
    public static let environmentPrefix = "MILLRACE__"

    /// Loads `path` (nil: defaults only) with overrides from `environment`.
    public static func load(path: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> WorkerConfiguration
    {
        var text = "{}"
        if let path {
            do {
                text = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw RuntimeError(.configuration, "cannot read the configuration file \(path): \(error.localizedDescription)")
            }
        }
        var configuration = try parse(text, source: path ?? "the configuration", environment: environment)
        if !explicitlySetsSchemas(text, environment: environment) {
            configuration.schemas.dir = try SchemasLocation.resolve(configFile: path)
        }
        return configuration
    }

    /// Whether the file or an override names `schemas.dir`.
    private static func explicitlySetsSchemas(_ text: String, environment: [String: String]) -> Bool {
        if environment.keys.contains(where: { $0.uppercased() == environmentPrefix + "SCHEMAS__DIR" }) { return true }
        guard case .mapping(let root)? = try? Yams.compose(yaml: text), case .mapping(let schemas)? = root["schemas"] else { return false }
        return schemas["dir"] != nil
    }

    /// Parses configuration text; `source` names it in error messages.
    public static func parse(_ text: String, source: String, environment: [String: String] = [:]) throws
        -> WorkerConfiguration
    {
        var root: Node
        do {
            root = try Yams.compose(yaml: text) ?? Node.mapping(Node.Mapping([]))
        } catch {
            throw RuntimeError(.configuration, "\(source) is not valid YAML: \(error)")
        }
        if case .scalar(let scalar) = root, scalar.string.isEmpty || scalar.string == "~" || scalar.string == "null" {
            root = Node.mapping(Node.Mapping([]))
        }
        var overrides: [(path: [String], variable: String)] = []
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) where name.hasPrefix(environmentPrefix) {
            let path = name.dropFirst(environmentPrefix.count).components(separatedBy: "__").map { $0.lowercased() }
            guard !path.contains(where: \.isEmpty) else {
                throw RuntimeError(.configuration, "environment variable \(name) has an empty path segment")
            }
            let node = (try? Yams.compose(yaml: value)) ?? nil
            root = try override(root, path: path[...], with: node ?? Node(value), variable: name)
            overrides.append((path, name))
        }
        let configuration: WorkerConfiguration
        do {
            configuration = try YAMLDecoder().decode(WorkerConfiguration.self, from: root)
        } catch let error as DecodingError {
            // Where the bad value came from: the environment variable that set it, else the file.
            let path = codingPath(of: error).map(\.stringValue)
            let origin = overrides.last { path.starts(with: $0.path) }.map { "environment variable \($0.variable)" } ?? source
            throw RuntimeError(.configuration, "\(origin): \(describe(error, in: root))")
        } catch {
            throw RuntimeError(.configuration, "\(source): \(error)")
        }
        try configuration.validate()
        return configuration
    }

    private static func override(_ node: Node, path: ArraySlice<String>, with value: Node, variable: String) throws -> Node {
        guard let key = path.first else { return value }
        guard case .mapping(var mapping) = node else {
            throw RuntimeError(.configuration, "\(variable) overrides inside a value that is not a mapping")
        }
        let isProperty = path.count == 1 && variable.uppercased().contains("__KAFKA__PROPERTIES__")
        let name = isProperty ? key.replacingOccurrences(of: "_", with: ".") : key
        let child = mapping[name] ?? Node.mapping(Node.Mapping([]))
        mapping[name] = try override(child, path: path.dropFirst(), with: value, variable: variable)
        return .mapping(mapping)
    }

    /// A one-line description of a decoding error with its dotted key path, in the configuration's
    /// words (`expected an integer, got "abc"`), never the decoder's type names.
    static func describe(_ error: DecodingError, in root: Node? = nil) -> String {
        let codingPath = codingPath(of: error)
        let path = codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        switch error {
        case .dataCorrupted(let context):
            return "\(path): \(context.debugDescription)"
        case .keyNotFound:
            return "\(path): required key is missing"
        case .typeMismatch(let type, _), .valueNotFound(let type, _):
            var text = "\(path): expected \(noun(for: type))"
            if let root, let found = node(at: codingPath, in: root) { text += ", got \(show(found))" }
            return text
        @unknown default:
            return "\(path): \(error)"
        }
    }

    /// The key path an error names (for a missing key, the key itself).
    private static func codingPath(of error: DecodingError) -> [any CodingKey] {
        switch error {
        case .dataCorrupted(let context), .typeMismatch(_, let context), .valueNotFound(_, let context): context.codingPath
        case .keyNotFound(let key, let context): context.codingPath + [key]
        @unknown default: []
        }
    }

    /// What a value of `type` is called in a configuration file.
    private static func noun(for type: Any.Type) -> String {
        switch String(describing: type) {
        case "Int", "Int64", "Int32", "UInt64", "UInt32", "UInt16", "UInt8", "Int16", "Int8": "an integer"
        case "Double", "Float": "a number"
        case "Bool": "true or false"
        case "String": "a string"
        // Yams names the node kind it expected.
        case let name where name.hasPrefix("Array<") || name == "Sequence": "a list"
        case "Scalar": "a single value"
        default: "a mapping"
        }
    }

    /// The node at `path` under `root`, if the path leads anywhere.
    private static func node(at path: [any CodingKey], in root: Node) -> Node? {
        var current = root
        for key in path {
            if let index = key.intValue {
                guard case .sequence(let items) = current, index < items.count else { return nil }
                current = items[index]
            } else {
                guard case .mapping(let mapping) = current, let child = mapping[key.stringValue] else { return nil }
                current = child
            }
        }
        return current
    }

    /// A value as the configuration shows it: a scalar quoted, a list or mapping by kind.
    private static func show(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar): "\"\(scalar.string)\""
        case .sequence: "a list"
        case .mapping: "a mapping"
        case .alias: "an alias"
        }
    }
}
