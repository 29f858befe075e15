/// Writes a table version in the `Schemas/` format, so that an evolved version is stored (in
/// `Schemas/` or the staging store) exactly as a hand-written one, and reads back equal.
enum TableWriter {
    static func write(_ table: TableDefinition) -> String {
        var lines: [String] = []
        lines.append("# \(table.name) v\(table.version). Format: Schemas/README.md.")
        lines.append("table: \(table.name)")
        lines.append("version: \(table.version)")
        if let description = table.description { lines.append("description: \(quoted(description))") }
        lines.append("source:")
        switch table.source {
        case .topic(let name, let keyColumns):
            lines.append("  topic: \(quoted(name))")
            lines.append("  key: \(flowList(keyColumns))")
            if table.replicaIdentity != .default { lines.append("  replica_identity: \(table.replicaIdentity)") }
        case .snapshot(let name):
            lines.append("  snapshot: \(quoted(name))")
        case .derived(let tables):
            lines.append("  derived_from: \(flowList(tables))")
        }
        lines.append("keys:")
        lines.append("  merge: \(flowList(table.keys.merge))")
        lines.append("  dedup: \(flowList(table.keys.dedup))")
        if let version = table.keys.version { lines.append("  version: \(version)") }
        if let eventTime = table.eventTime { lines.append("event_time: \(eventTime)") }
        lines.append("redshift:")
        lines.append("  diststyle: \(table.distribution.style)")
        if let key = table.distribution.key { lines.append("  distkey: \(key)") }
        if !table.distribution.sortKey.isEmpty { lines.append("  sortkey: \(flowList(table.distribution.sortKey))") }
        lines.append("columns:")
        for column in table.declaredColumns {
            lines.append("  - name: \(column.name)")
            lines.append("    type: \(column.type)")
            if !column.nullable { lines.append("    nullable: false") }
            if column.addedIn != 1 { lines.append("    added_in: \(column.addedIn)") }
            switch column.role {
            case .source(let field, let connect):
                if field != column.name { lines.append("    source: \(quoted(field))") }
                if connect != ConnectSchema.defaultEncoding(for: column.type, optional: column.nullable) {
                    lines.append("    connect: \(flow(connect, optionalDefault: column.nullable))")
                }
            case .enrichment(let enrichment):
                var parts = ["dimension: \(enrichment.dimension)", "on: \(enrichment.joinColumn)"]
                if enrichment.dimensionKey != enrichment.joinColumn { parts.append("key: \(enrichment.dimensionKey)") }
                parts.append("column: \(enrichment.dimensionColumn)")
                lines.append("    enrich: {\(parts.joined(separator: ", "))}")
            case .system, .computed:
                break
            }
            if let description = column.description { lines.append("    description: \(quoted(description))") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A Connect schema as a YAML flow mapping; `optional` is written only when it differs
    /// from what the reader assumes (`optionalDefault`).
    private static func flow(_ schema: ConnectSchema, optionalDefault: Bool) -> String {
        var parts = ["type: \(schema.type.rawValue)"]
        if let name = schema.name { parts.append("name: \(quoted(name))") }
        if let version = schema.version { parts.append("version: \(version)") }
        if !schema.parameters.isEmpty {
            let entries = schema.parameters.keys.sorted().map { "\(quoted($0)): \(quoted(schema.parameters[$0] ?? ""))" }
            parts.append("parameters: {\(entries.joined(separator: ", "))}")
        }
        if schema.isOptional != optionalDefault { parts.append("optional: \(schema.isOptional)") }
        switch schema.type {
        case .array where schema.elementSchemas.count == 1:
            parts.append("items: \(flow(schema.elementSchemas[0], optionalDefault: true))")
        case .map where schema.elementSchemas.count == 2:
            parts.append("keys: \(flow(schema.elementSchemas[0], optionalDefault: false))")
            parts.append("values: \(flow(schema.elementSchemas[1], optionalDefault: true))")
        case .struct:
            let fields = schema.fields.map { field in
                let inner = flow(field.schema, optionalDefault: true).dropFirst().dropLast()
                return "{field: \(quoted(field.name)), \(inner)}"
            }
            parts.append("fields: [\(fields.joined(separator: ", "))]")
        default:
            break
        }
        return "{\(parts.joined(separator: ", "))}"
    }

    private static func flowList(_ values: [String]) -> String {
        "[\(values.map(quoted).joined(separator: ", "))]"
    }

    /// `text` as a YAML scalar: plain when it is a safe identifier-like word, else double-quoted
    /// with YAML 1.2 escapes.
    static func quoted(_ text: String) -> String {
        let safe = !text.isEmpty
            && text.utf8.allSatisfy { byte in
                (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
                    || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
            }
            && !["true", "false", "null", "yes", "no", "on", "off", "~"].contains(text.lowercased())
            && Int(text) == nil && Double(text) == nil
            && text.first != "-"
        if safe { return text }
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\x" + String(repeating: "0", count: 2 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
