import Catalog

/// Turns the `schema` half of a JsonConverter message into a `ConnectSchema`
/// (Kafka `connect/json` JsonConverter.asConnectSchema: `type`, `optional`, `name`,
/// `version`, `parameters`, `default`, `fields`/`items`/`keys`/`values`).
enum ConnectSchemaParser {
    static func parse(_ value: JSONValue, path: String = "schema") throws(DecodeFailure) -> ConnectSchema {
        guard case .object = value else { throw invalid(path, "is not an object") }
        guard let typeName = value["type"]?.string else { throw invalid(path, "has no `type`") }
        guard let type = ConnectType(jsonName: typeName) else { throw invalid(path, "has unknown type `\(typeName)`") }
        var schema = ConnectSchema(type: type)
        if let optional = value["optional"] {
            guard case .bool(let flag) = optional else { throw invalid(path, "has a non-boolean `optional`") }
            schema.isOptional = flag
        } else {
            schema.isOptional = false
        }
        if let name = value["name"], !name.isNull {
            guard let text = name.string else { throw invalid(path, "has a non-string `name`") }
            schema.name = text
        }
        if let version = value["version"], !version.isNull {
            guard let number = version.int64, let small = Int(exactly: number) else { throw invalid(path, "has a non-integer `version`") }
            schema.version = small
        }
        if let parameters = value["parameters"], !parameters.isNull {
            guard case .object(let members) = parameters else { throw invalid(path, "has non-object `parameters`") }
            for (key, entry) in members {
                guard let text = entry.string else { throw invalid(path, "parameter `\(key)` is not a string") }
                schema.parameters[key] = text
            }
        }
        if let defaultValue = value["default"], !defaultValue.isNull {
            schema.defaultValue = defaultValue.jsonText
        }
        switch type {
        case .struct:
            guard case .array(let fields)? = value["fields"] else { throw invalid(path, "is a struct without `fields`") }
            for (index, field) in fields.enumerated() {
                guard let name = field["field"]?.string else { throw invalid("\(path).fields[\(index)]", "has no `field` name") }
                schema.fields.append(ConnectField(name: name, schema: try parse(field, path: "\(path).\(name)")))
            }
        case .array:
            guard let items = value["items"] else { throw invalid(path, "is an array without `items`") }
            schema.elementSchemas = [try parse(items, path: "\(path).items")]
        case .map:
            guard let keys = value["keys"], let values = value["values"] else { throw invalid(path, "is a map without `keys`/`values`") }
            schema.elementSchemas = [try parse(keys, path: "\(path).keys"), try parse(values, path: "\(path).values")]
        default:
            break
        }
        return schema
    }

    private static func invalid(_ path: String, _ problem: String) -> DecodeFailure {
        DecodeFailure(.schemaMismatch, "the Connect schema is invalid: \(path) \(problem)")
    }
}

extension JSONValue {
    /// Compact JSON text of the value.
    var jsonText: String {
        var writer = JSONWriter()
        write(to: &writer)
        return writer.text
    }

    /// Writes the value as compact JSON.
    func write(to writer: inout JSONWriter) {
        switch self {
        case .null: writer.null()
        case .bool(let flag): writer.boolean(flag)
        case .number(let text): writer.raw(text)
        case .string(let text): writer.string(text)
        case .array(let items):
            writer.byte(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { writer.byte(UInt8(ascii: ",")) }
                item.write(to: &writer)
            }
            writer.byte(UInt8(ascii: "]"))
        case .object(let members):
            writer.byte(UInt8(ascii: "{"))
            for (index, (name, item)) in members.enumerated() {
                if index > 0 { writer.byte(UInt8(ascii: ",")) }
                writer.key(name)
                item.write(to: &writer)
            }
            writer.byte(UInt8(ascii: "}"))
        }
    }
}
