public import Staging
/// Renders staging object keys from a template such as
/// `staging/{table}/{yyyy}/{MM}/{dd}/{HH}/{file}.parquet`.
///
/// Placeholders: `{table}`, `{yyyy}`, `{MM}`, `{dd}`, `{HH}` (the event-time hour, UTC) and
/// `{file}` (a name unique to the batch). `{table}` and `{file}` are required so that tables
/// never share a file and batches never overwrite each other.
public struct KeyTemplate: Sendable, Hashable, CustomStringConvertible {
    private enum Part: Sendable, Hashable {
        case literal(String)
        case table, year, month, day, hour, file
    }

    /// The default layout: the seed's `s3://eav-olap/staging/YYYY/MM/DD/HH/`, per table.
    public static let defaultTemplate = "staging/{table}/{yyyy}/{MM}/{dd}/{HH}/{file}.parquet"

    private let parts: [Part]
    /// The template text.
    public let description: String

    /// Parses `template`, rejecting unknown placeholders, unbalanced braces and templates
    /// without `{table}` or `{file}`.
    public init(_ template: String = KeyTemplate.defaultTemplate) throws(EngineError) {
        var parts: [Part] = []
        var literal = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(where: { $0 == "{" || $0 == "}" }) {
            guard rest[open] == "{", let close = rest[open...].firstIndex(of: "}") else {
                throw EngineError(.invalidTemplate, "unbalanced brace in key template \"\(template)\"")
            }
            literal += rest[..<open]
            let name = rest[rest.index(after: open)..<close]
            let part: Part
            switch name {
            case "table": part = .table
            case "yyyy": part = .year
            case "MM": part = .month
            case "dd": part = .day
            case "HH": part = .hour
            case "file": part = .file
            default:
                throw EngineError(
                    .invalidTemplate,
                    "unknown placeholder {\(name)} in key template \"\(template)\"; use {table}, {yyyy}, {MM}, {dd}, {HH} and {file}"
                )
            }
            if !literal.isEmpty { parts.append(.literal(literal)) }
            literal = ""
            parts.append(part)
            rest = rest[rest.index(after: close)...]
        }
        literal += rest
        if !literal.isEmpty { parts.append(.literal(literal)) }
        guard parts.contains(.table), parts.contains(.file) else {
            throw EngineError(.invalidTemplate, "key template \"\(template)\" must contain {table} and {file}")
        }
        guard !template.hasPrefix("/") else {
            throw EngineError(.invalidTemplate, "key template \"\(template)\" must be relative (no leading /)")
        }
        self.parts = parts
        self.description = template
    }

    /// The key for `file` of `table` in `hour`.
    public func render(table: String, hour: UTCHour, file: String) -> String {
        render(table: table, hour: hour, file: file, stopAfterFile: false)
    }

    /// The beginning of every key whose file name starts with `filePrefix`, up to and
    /// including that prefix: listing it finds exactly those files (used to clean up a batch).
    public func prefix(table: String, hour: UTCHour, filePrefix: String) -> String {
        render(table: table, hour: hour, file: filePrefix, stopAfterFile: true)
    }

    private func render(table: String, hour: UTCHour, file: String, stopAfterFile: Bool) -> String {
        let civil = hour.civil
        var key = ""
        for part in parts {
            switch part {
            case .literal(let text): key += text
            case .table: key += table
            case .year: key += UTCHour.pad(civil.year, 4)
            case .month: key += UTCHour.pad(Int64(civil.month), 2)
            case .day: key += UTCHour.pad(Int64(civil.day), 2)
            case .hour: key += UTCHour.pad(Int64(civil.hour), 2)
            case .file:
                key += file
                if stopAfterFile { return key }
            }
        }
        return key
    }
}
