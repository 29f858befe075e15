import Foundation

/// The AWS shared `config` and `credentials` files: INI sections of `key = value` lines
/// (AWS SDKs and Tools Reference Guide, "Shared config and credentials files").
///
/// Comments start with `#` or `;`. Indented lines under a key with an empty value are its
/// sub-properties, stored as `key.subkey` (`s3 =` / `  addressing_style = path`).
struct SharedConfigFile: Sendable, Equatable {
    /// Section name → key → value. Keys are lowercased; section names kept as written.
    var sections: [String: [String: String]]

    /// Parses the text of a file. Malformed lines are skipped, as the AWS CLI does.
    static func parse(_ text: String) -> SharedConfigFile {
        var sections: [String: [String: String]] = [:]
        var current: String?
        var parentKey: String?
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let isIndented = rawLine.first == " " || rawLine.first == "\t"
            let line = rawLine.trimmingSpaces
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                guard let close = line.firstIndex(of: "]") else { current = nil; continue }
                let name = line[line.index(after: line.startIndex)..<close].trimmingSpaces
                current = name
                parentKey = nil
                if sections[name] == nil { sections[name] = [:] }
                continue
            }
            guard let section = current, let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingSpaces.lowercased()
            var value = line[line.index(after: equals)...].trimmingSpaces
            // An inline comment needs whitespace before the marker, so `abc#def` stays intact.
            if let comment = value.range(of: " #") ?? value.range(of: " ;") {
                value = value[..<comment.lowerBound].trimmingSpaces
            }
            if isIndented, let parent = parentKey {
                sections[section]?["\(parent).\(key)"] = value
            } else {
                sections[section]?[key] = value
                parentKey = value.isEmpty ? key : nil
            }
        }
        return SharedConfigFile(sections: sections)
    }
}

extension String {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpaces: String { self[...].trimmingSpaces }
}
