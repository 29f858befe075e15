import Catalog

/// One attribute of the EAV model: a row of `dim_attributes` and of the attributes snapshot.
public struct AttributeDefinition: Sendable, Hashable {
    /// `attribute_id`, from 1.
    public var id: Int64
    /// Unique name, e.g. `temperature_3`.
    public var name: String
    /// Which value column holds it: `text`, `int`, `decimal`, `bool` or `date`.
    public var dataType: String
    /// Unit of measure, or nil.
    public var unit: String?
    /// Documentation.
    public var description: String
    /// True when it is projected into `entity_jsonb` (the hot set).
    public var isHot: Bool

    /// The attributes of a load with `count` attributes, the same for every seed: names cycle
    /// through realistic bases, types follow them, the first 15 are hot.
    public static func catalog(count: Int) -> [AttributeDefinition] {
        let bases: [(String, String, String?)] = [
            ("temperature", "decimal", "celsius"), ("humidity", "decimal", "percent"), ("pressure", "decimal", "hPa"),
            ("voltage", "decimal", "volt"), ("battery_level", "int", "percent"), ("signal_strength", "int", "dBm"),
            ("firmware_version", "text", nil), ("status_text", "text", nil), ("is_online", "bool", nil),
            ("install_date", "date", nil), ("serial_number", "text", nil), ("error_count", "int", nil),
            ("flow_rate", "decimal", "l/min"), ("is_calibrated", "bool", nil), ("last_service_date", "date", nil),
            ("power_draw", "decimal", "watt"), ("operator_note", "text", nil), ("rpm", "int", "rpm"),
        ]
        return (0..<count).map { index in
            let (base, dataType, unit) = bases[index % bases.count]
            let round = index / bases.count
            return AttributeDefinition(
                id: Int64(index + 1), name: round == 0 ? base : "\(base)_\(round)", dataType: dataType, unit: unit,
                description: "Synthetic \(dataType) attribute \(index + 1) (\(base)).", isHot: index < 15
            )
        }
    }
}

/// Writes the attributes snapshot that `dim_attributes` loads, matching its declared columns.
public enum AttributeSnapshot {
    /// The snapshot as CSV (RFC 4180: header row, quoted fields where needed, CRLF line ends)
    /// with the columns of `dim_attributes` in order.
    public static func csv(_ attributes: [AttributeDefinition]) -> String {
        var lines = ["attribute_id,name,data_type,unit,description,is_hot"]
        for attribute in attributes {
            let fields = [String(attribute.id), attribute.name, attribute.dataType, attribute.unit ?? "", attribute.description, String(attribute.isHot)]
            lines.append(fields.map(quoted).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// The snapshot as NDJSON, one object per attribute with the columns of `dim_attributes`.
    public static func ndjson(_ attributes: [AttributeDefinition]) -> String {
        var writer = JSONWriter(capacity: attributes.count * 160)
        for attribute in attributes {
            writer.raw("{\"attribute_id\":")
            writer.integer(attribute.id)
            writer.raw(",\"name\":")
            writer.string(attribute.name)
            writer.raw(",\"data_type\":")
            writer.string(attribute.dataType)
            writer.raw(",\"unit\":")
            if let unit = attribute.unit { writer.string(unit) } else { writer.null() }
            writer.raw(",\"description\":")
            writer.string(attribute.description)
            writer.raw(",\"is_hot\":")
            writer.boolean(attribute.isHot)
            writer.raw("}\n")
        }
        return writer.text
    }

    private static func quoted(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }
}
