import Catalog

/// Builds `RowPlan`s: from a record's Connect schema (applying the evolution policy, which may
/// add columns to the table), or from the table's declaration (schemaless records and keys).
enum PlanBuilder {
    /// The unwrapped metadata fields ExtractNewRecordState adds (`add.fields`, prefix `__`).
    static func metadataAction(_ name: String) -> FieldAction {
        switch name {
        case "__op": .operation
        case "__ts_ms": .eventMillis
        case "__source_ts_ms": .sourceMillis
        case "__lsn", "__source_lsn": .lsn
        case "__deleted": .deleted
        default: .skip
        }
    }

    /// The plan for records carrying `schema`, evolving `state`'s table when the schema adds
    /// optional fields (`onChange` receives each change), or why the schema is incompatible.
    static func plan(
        for schema: ConnectSchema, state: TableState, onChange: (SchemaChange) -> Void
    ) -> Result<RowPlan, Incompatibility> {
        guard schema.type == .struct else {
            return .failure(Incompatibility("the record schema is a \(schema.type.rawValue), not a struct"))
        }
        if isEnvelope(schema) {
            guard let row = (schema.field("after") ?? schema.field("before"))?.schema, row.type == .struct else {
                return .failure(Incompatibility("the envelope's `after` is not a struct"))
            }
            let rowPlan: RowPlan
            switch rowFields(row, state: state, metadata: false, onChange: onChange) {
            case .success(let plan): rowPlan = plan
            case .failure(let why): return .failure(why)
            }
            let sourceFields = schema.field("source")?.schema.fields.map(\.name) ?? []
            return .success(envelopePlan(rowPlan: rowPlan, sourceFields: sourceFields))
        }
        return rowFields(schema, state: state, metadata: true, onChange: onChange)
    }

    /// True for Debezium's envelope: a struct with `op` and a struct `after` or `before`.
    static func isEnvelope(_ schema: ConnectSchema) -> Bool {
        schema.field("op") != nil && (schema.field("after")?.schema.type == .struct || schema.field("before")?.schema.type == .struct)
    }

    private static func rowFields(
        _ schema: ConnectSchema, state: TableState, metadata: Bool, onChange: (SchemaChange) -> Void
    ) -> Result<RowPlan, Incompatibility> {
        // Pass 1: check the fields that have columns, collect the new ones.
        var newFields: [ConnectField] = []
        for field in schema.fields where !(metadata && field.name.hasPrefix("__")) {
            guard let column = column(forField: field.name, in: state.definition) else {
                newFields.append(field)
                continue
            }
            if let declared = column.connectEncoding, let refusal = ValueConversion.evolutionRefusal(declared: declared, observed: field.schema) {
                return .failure(Incompatibility("field `\(field.name)`: \(refusal)"))
            }
            if case .failure(let why) = ValueConversion.resolve(field: field.schema, column: column.type, declared: column.connectEncoding) {
                return .failure(Incompatibility("field `\(field.name)`: \(why)"))
            }
        }
        let present = Set(schema.fields.map(\.name))
        for column in state.definition.columns {
            guard let field = column.sourceField, !present.contains(field), !column.nullable else { continue }
            return .failure(Incompatibility("NOT NULL column `\(column.name)` (field `\(field)`) is missing from the schema"))
        }
        if !newFields.isEmpty {
            switch state.definition.addingColumns(for: newFields) {
            case .success(let change):
                state.apply(change)
                onChange(change)
            case .failure(let why):
                return .failure(why)
            }
        }
        // Pass 2: every field has a column now.
        var fields: [(String, FieldAction)] = []
        var forms: [UnavailableValue.Form] = []
        var required = Set(state.notNullColumns)
        for field in schema.fields {
            if metadata && field.name.hasPrefix("__") {
                fields.append((field.name, metadataAction(field.name)))
                forms.append(.none)
                continue
            }
            guard let column = column(forField: field.name, in: state.definition), let decoded = state.decodedIndexByField[field.name],
                case .success(let conversion) = ValueConversion.resolve(field: field.schema, column: column.type, declared: column.connectEncoding)
            else {
                return .failure(Incompatibility("field `\(field.name)` has no column after evolution"))
            }
            fields.append((field.name, .column(index: decoded, conversion: specialise(conversion, for: column.type))))
            forms.append(UnavailableValue.form(of: conversion))
            if !field.schema.isOptional { required.insert(decoded) }
        }
        return .success(RowPlan(fields: fields, requiredColumns: required.sorted(), unavailable: state.unavailable, forms: forms))
    }

    private static func column(forField field: String, in definition: TableDefinition) -> Column? {
        definition.columns.first { $0.sourceField == field }
    }

    private static func envelopePlan(rowPlan: RowPlan, sourceFields: [String]) -> RowPlan {
        let source = RowPlan(
            fields: sourceFields.map { name in
                (name, name == "ts_ms" ? FieldAction.sourceMillis : name == "lsn" ? .lsn : .skip)
            },
            requiredColumns: [], skipsUnknown: true
        )
        let members: [(String, FieldAction)] = [
            ("before", .before), ("after", .after), ("source", .source), ("op", .operation), ("ts_ms", .eventMillis),
            ("transaction", .skip), ("ts_us", .skip), ("ts_ns", .skip),
        ]
        return RowPlan(
            fields: members, requiredColumns: rowPlan.requiredColumns, isEnvelope: true, rowPlan: rowPlan, sourcePlan: source
        )
    }

    /// The plan for schemaless records (`schemas.enable=false`, or `"schema": null`), from the
    /// declared encodings; `envelope` selects the full-envelope form.
    static func declaredPlan(state: TableState, envelope: Bool) -> RowPlan {
        let row = state.definition.connectRowSchema()
        var fields: [(String, FieldAction)] = []
        var forms: [UnavailableValue.Form] = []
        var required = Set(state.notNullColumns)
        for field in row.fields {
            guard let column = column(forField: field.name, in: state.definition), let decoded = state.decodedIndexByField[field.name],
                case .success(let conversion) = ValueConversion.resolve(field: field.schema, column: column.type)
            else { continue }  // The catalog validator guarantees every declared encoding resolves.
            fields.append((field.name, .column(index: decoded, conversion: specialise(conversion, for: column.type))))
            forms.append(UnavailableValue.form(of: conversion))
            if !field.schema.isOptional { required.insert(decoded) }
        }
        if envelope {
            let rowPlan = RowPlan(fields: fields, requiredColumns: required.sorted(), unavailable: state.unavailable, forms: forms)
            return envelopePlan(rowPlan: rowPlan, sourceFields: ["ts_ms", "lsn"])
        }
        for name in ["__op", "__ts_ms", "__lsn", "__deleted", "__source_ts_ms"] {
            fields.append((name, metadataAction(name)))
        }
        return RowPlan(fields: fields, requiredColumns: required.sorted(), unavailable: state.unavailable, forms: forms)
    }

    /// The plan for Kafka keys: the key columns with their declared encodings.
    static func keyPlan(state: TableState) -> RowPlan {
        let definition = state.definition
        var fields: [(String, FieldAction)] = []
        for name in definition.source.keyColumns {
            guard let column = definition.column(name), let field = column.sourceField, let connect = column.connectEncoding,
                let decoded = state.decodedIndexByField[field],
                case .success(let conversion) = ValueConversion.resolve(field: connect, column: column.type)
            else { continue }
            fields.append((field, .column(index: decoded, conversion: specialise(conversion, for: column.type))))
        }
        return RowPlan(fields: fields, requiredColumns: state.keyColumns)
    }

    /// `conversion` with the column's limits and storage resolved.
    static func specialise(_ conversion: ValueConversion, for type: ColumnType) -> Conversion {
        let target: DecimalTarget
        if case .decimal(let precision, let scale) = type {
            target = DecimalTarget(precision: precision, scale: scale)
        } else {
            target = DecimalTarget(precision: ColumnType.maxDecimalPrecision, scale: 0)
        }
        let maxBytes: Int
        if case .varchar(let limit) = type { maxBytes = limit } else { maxBytes = ColumnType.maxVarcharBytes }
        switch conversion {
        case .boolean: return .boolean
        case .integer(let bits):
            let limit = bits >= 64 ? Int64.max : (Int64(1) << (bits - 1)) - 1
            return .integer((bits >= 64 ? Int64.min : -limit - 1)...limit)
        case .floating: return .floating
        case .decimal(let scale): return .decimal(fieldScale: scale, target: target)
        case .decimalText: return .decimalText(target)
        case .variableScaleDecimal:
            if case .decimal = type { return .variableScaleDecimal(target) }
            return .variableScaleDecimalText(maxBytes: maxBytes)
        case .text: return .text(maxBytes: maxBytes)
        case .jsonText: return .jsonText(maxBytes: maxBytes)
        case .jsonValue: return .jsonValue(maxBytes: maxBytes)
        case .uuid: return .uuid
        case .bytes: return .bytes(maxBytes: maxBytes)
        case .binaryText(let encoding): return .binaryText(maxBytes: maxBytes, encoding: encoding)
        case .days: return .days
        case .timeOfDay(let unitsPerSecond):
            return unitsPerSecond >= 1_000_000
                ? .timeOfDay(multiplier: 1, divisor: unitsPerSecond / 1_000_000) : .timeOfDay(multiplier: 1_000_000 / unitsPerSecond, divisor: 1)
        case .zonedTime: return .zonedTime
        case .epochTimestamp(let unitsPerSecond):
            return unitsPerSecond >= 1_000_000
                ? .epochTimestamp(multiplier: 1, divisor: unitsPerSecond / 1_000_000)
                : .epochTimestamp(multiplier: 1_000_000 / unitsPerSecond, divisor: 1)
        case .zonedTimestamp: return .zonedTimestamp
        }
    }
}
