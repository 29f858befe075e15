/// A coding key for any name, used to see every key a YAML mapping holds.
struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// Configuration sections list their keys so that unknown keys are errors, not silently ignored
/// (a misspelt key would otherwise fall back to its default without a word).
protocol StrictlyDecodable: Decodable {
    /// Every key the section accepts.
    static var knownKeys: [String] { get }
}

extension StrictlyDecodable {
    /// Throws `DecodingError.dataCorrupted` naming the first unknown key and the closest known one.
    static func rejectUnknownKeys(in decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        for key in container.allKeys where !knownKeys.contains(key.stringValue) {
            let suggestion = knownKeys.min { editDistance($0, key.stringValue) < editDistance($1, key.stringValue) }
            var message = "unknown key \"\(key.stringValue)\""
            if let suggestion, editDistance(suggestion, key.stringValue) <= max(2, key.stringValue.count / 3) {
                message += " (did you mean \"\(suggestion)\"?)"
            }
            message += "; known keys: \(knownKeys.joined(separator: ", "))"
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath + [key], debugDescription: message))
        }
    }
}

/// Levenshtein distance, for "did you mean" suggestions.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a.lowercased().utf8)
    let b = Array(b.lowercased().utf8)
    if a.isEmpty { return b.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var current = [i] + [Int](repeating: 0, count: b.count)
        for j in stride(from: 1, through: b.count, by: 1) {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}

extension KeyedDecodingContainer {
    /// The choice named under `key` (one of `T`'s raw values), or `fallback` when the key is
    /// absent; any other text is an error listing the choices.
    func choice<T: RawRepresentable & CaseIterable>(_ key: Key, default fallback: T) throws -> T where T.RawValue == String {
        guard let text = try decodeIfPresent(String.self, forKey: key) else { return fallback }
        guard let value = T(rawValue: text) else {
            let choices = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw DecodingError.dataCorrupted(.init(codingPath: codingPath + [key], debugDescription: "expected one of \(choices); got \"\(text)\""))
        }
        return value
    }

    /// The value under `key`, or `fallback` when the key is absent.
    func value<T: Decodable>(_ key: Key, default fallback: T) throws -> T {
        try decodeIfPresent(T.self, forKey: key) ?? fallback
    }
}
