/// The pieces of a SigV4 canonical request (AWS General Reference, "Create a canonical request
/// for Signature Version 4"), as pure functions so each rule has its own known-answer test.
enum CanonicalRequest {
    /// The canonical URI: optionally normalized, then encoded once more when the service wants it.
    static func path(_ path: String, options: SigV4Options) -> String {
        let normalized = options.normalizesPath ? normalize(path) : path
        return options.doubleEncodesPath ? URIEncoding.encode(normalized, keepSlash: true) : normalized
    }

    /// Removes `.` and `..` segments and empty segments (repeated slashes), keeping a trailing
    /// slash: `//example//` → `/example/`, `/a/b/../..` → `/` (RFC 3986 §5.2.4, as aws-c-auth
    /// applies it).
    static func normalize(_ path: String) -> String {
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..": _ = segments.popLast()
            default: segments.append(segment)
            }
        }
        guard !segments.isEmpty else { return "/" }
        let joined = "/" + segments.joined(separator: "/")
        return path.hasSuffix("/") ? joined + "/" : joined
    }

    /// The canonical query string: each name and value encoded, pairs sorted by encoded name then
    /// encoded value, `name=value` joined by `&` (a bare key becomes `key=`).
    static func query(_ parameters: [QueryParameter]) -> String {
        parameters
            .map { (URIEncoding.encode($0.name), URIEncoding.encode($0.value)) }
            .sorted { $0.0 == $1.0 ? $0.1.utf8.lexicographicallyPrecedes($1.1.utf8) : $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
            .map { $0.0 + "=" + $0.1 }
            .joined(separator: "&")
    }

    /// The canonical headers block (`name:value\n` per name, sorted) and the signed header list.
    /// Names are lowercased; values trimmed with inner whitespace runs (folded lines included)
    /// collapsed to one space; repeated names joined with `,` in their original order.
    static func headers(_ headers: HTTPHeaders) -> (block: String, signed: String) {
        var order: [String] = []
        var values: [String: [String]] = [:]
        for field in headers {
            let name = field.name.lowercased()
            if values[name] == nil { order.append(name) }
            values[name, default: []].append(normalizeValue(field.value))
        }
        let names = order.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var block = ""
        for name in names {
            block += name + ":" + (values[name] ?? []).joined(separator: ",") + "\n"
        }
        return (block, names.joined(separator: ";"))
    }

    /// Trims a header value and collapses each run of spaces, tabs and line breaks to one space.
    static func normalizeValue(_ value: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(value.utf8.count)
        var pendingSpace = false
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"):
                pendingSpace = !out.isEmpty
            default:
                if pendingSpace { out.append(UInt8(ascii: " ")) }
                pendingSpace = false
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
