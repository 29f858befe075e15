/// Reads one JSON object with a `RowPlan`: a payload row, an envelope (recursing into
/// `after`, `before` and `source`), a Kafka key, or a snapshot file's NDJSON line. Columns go
/// into the column stores at `row`, metadata into a `RowMetadata`. Stateless, so the decoder
/// and the snapshot reader share it.
enum ObjectDecoder {
    /// Decodes the object at the cursor with `plan`: columns into `stores` at `row`,
    /// metadata into `metadata`. Members are expected in plan order (one compare each);
    /// others are looked up by name.
    static func decode(
        _ plan: RowPlan, _ cursor: inout JSONCursor, stores: UnsafeMutablePointer<ColumnStore>, row: Int,
        metadata: inout RowMetadata
    ) throws(DecodeFailure) {
        guard cursor.consume(UInt8(ascii: "{")) else { throw cursor.wrongType("an object") }
        if cursor.consume(UInt8(ascii: "}")) { return }
        var expected = 0
        repeat {
            cursor.skipWhitespace()
            var member = -1
            if expected < plan.fieldCount {
                let (name, length) = plan.quotedName(expected)
                if cursor.hasPrefix(name, length: length) {
                    member = expected
                    cursor.position += length
                }
            }
            if member < 0 {
                guard cursor.peek == UInt8(ascii: "\"") else { throw cursor.unexpected("a member name") }
                let span = try cursor.readString()
                member = span.hasEscapes ? -1 : plan.index(of: cursor.base + span.start, length: span.length) ?? -1
                if member < 0 {
                    let name = cursor.text(span.start, span.start + span.length)
                    guard plan.skipsUnknown || (!plan.isEnvelope && name.hasPrefix("__")) else {
                        throw DecodeFailure(.schemaMismatch, "the payload has a member `\(name)` that its schema does not declare")
                    }
                    try cursor.expect(UInt8(ascii: ":"), "`:`")
                    try cursor.skipValue()
                    continue
                }
            }
            try cursor.expect(UInt8(ascii: ":"), "`:`")
            // Columns, the common case, are decoded here; metadata and envelope members in
            // `perform` (which recurses for `after` and `source`, so it is not inlined).
            if case .column(let index, let conversion) = plan.actions[member] {
                let store = stores + index
                guard store.pointee.count == row else {
                    throw DecodeFailure(.schemaMismatch, "member `\(plan.fieldNames[member])` appears twice")
                }
                cursor.skipWhitespace()
                let form = plan.unavailableForms[member]
                if cursor.consumeNull() {
                    store.pointee.appendNull()
                } else if form != 0, let unavailable = plan.unavailable,
                    let length = unavailable.match(UnavailableValue.Form(rawValue: form) ?? .none, at: cursor)
                {
                    // Debezium's placeholder for an unchanged TOASTed value: not a value.
                    cursor.position += length
                    store.pointee.appendNull()
                    metadata.unchanged.append(index)
                } else {
                    do {
                        try ValueDecoding.decode(conversion, &cursor, into: store)
                    } catch {
                        throw DecodeFailure(error.reason, "field `\(plan.fieldNames[member])`: \(error.message)")
                    }
                }
            } else {
                try perform(plan.actions[member], plan: plan, &cursor, stores: stores, row: row, metadata: &metadata)
            }
            expected = member + 1
        } while cursor.consume(UInt8(ascii: ","))
        try cursor.expect(UInt8(ascii: "}"), "`,` or `}`")
    }

    /// Handles a metadata or envelope member (columns are handled by `decode`).
    private static func perform(
        _ action: FieldAction, plan: RowPlan, _ cursor: inout JSONCursor, stores: UnsafeMutablePointer<ColumnStore>, row: Int,
        metadata: inout RowMetadata
    ) throws(DecodeFailure) {
        cursor.skipWhitespace()
        switch action {
        case .column:
            throw DecodeFailure(.schemaMismatch, "internal: a column member reached the metadata path")
        case .operation:
            if cursor.consumeNull() { return }
            let span = try cursor.readString()
            let code = span.length == 1 ? cursor.base[span.start] : 0
            guard code == UInt8(ascii: "c") || code == UInt8(ascii: "u") || code == UInt8(ascii: "d") || code == UInt8(ascii: "r") else {
                throw DecodeFailure(
                    .unsupportedOperation, "operation `\(cursor.text(span.start, span.start + span.length))` is not c, u, d or r"
                )
            }
            metadata.operation = code
        case .eventMillis:
            if !cursor.consumeNull() { metadata.eventMillis = try cursor.readInteger(in: Int64.min...Int64.max) }
        case .sourceMillis:
            if !cursor.consumeNull() { metadata.sourceMillis = try cursor.readInteger(in: Int64.min...Int64.max) }
        case .lsn:
            if !cursor.consumeNull() { metadata.lsn = try cursor.readInteger(in: Int64.min...Int64.max) }
        case .deleted:
            if cursor.consumeNull() { return }
            if cursor.peek == UInt8(ascii: "\"") {
                let span = try cursor.readString()
                metadata.deleted = cursor.text(span.start, span.start + span.length) == "true"
            } else {
                metadata.deleted = try cursor.readBoolean()
            }
        case .before:
            if cursor.consumeNull() { return }
            metadata.beforeStart = cursor.position
            try cursor.skipValue()
        case .after:
            if cursor.consumeNull() { return }
            guard let rowPlan = plan.rowPlan else { throw DecodeFailure(.schemaMismatch, "`after` outside an envelope") }
            try decode(rowPlan, &cursor, stores: stores, row: row, metadata: &metadata)
            metadata.sawAfter = true
        case .source:
            if cursor.consumeNull() { return }
            guard let sourcePlan = plan.sourcePlan else { throw DecodeFailure(.schemaMismatch, "`source` outside an envelope") }
            try decode(sourcePlan, &cursor, stores: stores, row: row, metadata: &metadata)
        case .skip:
            try cursor.skipValue()
        }
    }
}
