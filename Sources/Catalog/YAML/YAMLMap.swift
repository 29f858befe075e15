import Yams

/// A YAML mapping read strictly: every key must be consumed, so an unknown (misspelt) key is
/// an error rather than silently ignored (as Vector's `deny_unknown_fields`).
final class YAMLMap {
    private let mapping: Node.Mapping
    /// Where this mapping is, for messages: `file.yaml: columns[2].connect`.
    let path: String
    private var consumed: Set<String> = []

    init(_ node: Node, path: String) throws(CatalogError) {
        guard case .mapping(let mapping) = node else {
            throw CatalogError(.invalidDeclaration, "\(path): expected a mapping")
        }
        self.mapping = mapping
        self.path = path
    }

    /// The keys present, in file order.
    var keys: [String] { mapping.keys.compactMap(\.scalar?.string) }

    private func node(_ key: String) -> Node? {
        consumed.insert(key)
        return mapping[key]
    }

    func has(_ key: String) -> Bool { mapping[key] != nil }

    /// A scalar's text, or nil when absent (or `null`).
    func string(_ key: String) throws(CatalogError) -> String? {
        guard let node = node(key) else { return nil }
        guard case .scalar(let scalar) = node else {
            throw CatalogError(.invalidDeclaration, "\(path).\(key): expected a scalar")
        }
        if scalar.style == .plain && (scalar.string == "null" || scalar.string == "~") { return nil }
        return scalar.string
    }

    func requiredString(_ key: String) throws(CatalogError) -> String {
        guard let value = try string(key), !value.isEmpty else {
            throw CatalogError(.invalidDeclaration, "\(path): `\(key)` is required")
        }
        return value
    }

    func int(_ key: String) throws(CatalogError) -> Int? {
        guard let text = try string(key) else { return nil }
        guard let value = Int(text) else {
            throw CatalogError(.invalidDeclaration, "\(path).\(key): `\(text)` is not an integer")
        }
        return value
    }

    func bool(_ key: String) throws(CatalogError) -> Bool? {
        guard let text = try string(key) else { return nil }
        switch text {
        case "true": return true
        case "false": return false
        default: throw CatalogError(.invalidDeclaration, "\(path).\(key): `\(text)` is not true or false")
        }
    }

    /// A list of scalars; a single scalar counts as a list of one.
    func stringList(_ key: String) throws(CatalogError) -> [String]? {
        guard let node = node(key) else { return nil }
        switch node {
        case .scalar(let scalar): return [scalar.string]
        case .sequence(let sequence):
            var values: [String] = []
            for (index, item) in sequence.enumerated() {
                guard case .scalar(let scalar) = item else {
                    throw CatalogError(.invalidDeclaration, "\(path).\(key)[\(index)]: expected a scalar")
                }
                values.append(scalar.string)
            }
            return values
        default:
            throw CatalogError(.invalidDeclaration, "\(path).\(key): expected a list")
        }
    }

    func map(_ key: String) throws(CatalogError) -> YAMLMap? {
        guard let node = node(key) else { return nil }
        return try YAMLMap(node, path: "\(path).\(key)")
    }

    func list(_ key: String) throws(CatalogError) -> [YAMLMap]? {
        guard let node = node(key) else { return nil }
        guard case .sequence(let sequence) = node else {
            throw CatalogError(.invalidDeclaration, "\(path).\(key): expected a list")
        }
        var maps: [YAMLMap] = []
        for (index, item) in sequence.enumerated() {
            maps.append(try YAMLMap(item, path: "\(path).\(key)[\(index)]"))
        }
        return maps
    }

    /// Every string-valued entry of a mapping (for Connect `parameters`).
    func stringMap(_ key: String) throws(CatalogError) -> [String: String]? {
        guard let inner = try map(key) else { return nil }
        var values: [String: String] = [:]
        for name in inner.keys {
            values[name] = try inner.string(name) ?? ""
        }
        return values
    }

    /// Throws when a key was never read: it is unknown to the format.
    func finish() throws(CatalogError) {
        let unknown = keys.filter { !consumed.contains($0) }
        if !unknown.isEmpty {
            throw CatalogError(.invalidDeclaration, "\(path): unknown key(s) \(unknown.map { "`\($0)`" }.joined(separator: ", "))")
        }
    }
}

extension YAMLMap {
    /// Parses `text` as one YAML document holding a mapping.
    static func document(_ text: String, path: String) throws(CatalogError) -> YAMLMap {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw CatalogError(.yaml, "\(path): not valid YAML", underlying: YAMLParseFailure(description: "\(error)"))
        }
        guard let root else { throw CatalogError(.invalidDeclaration, "\(path): the file is empty") }
        return try YAMLMap(root, path: path)
    }
}

/// The YAML parser's own explanation of a syntax error, kept as the cause of a `.yaml` error.
struct YAMLParseFailure: Error, Sendable, CustomStringConvertible {
    var description: String
}
