import Catalog

extension ChangeDecoder {
    /// The plan for the Connect schema at the cursor, leaving the cursor after it. The
    /// previous record's schema is tried first with one memory compare; then the cache by
    /// hash; only a schema never seen is parsed (and may evolve the table).
    func resolveSchema(_ state: TableState, _ cursor: inout JSONCursor) throws(DecodeFailure) -> RowPlan {
        let cache = state.schemaCache
        if let last = cache.last, cursor.hasPrefix(last.bytes, length: last.length) {
            cursor.position += last.length
            if let plan = last.plan { return plan }
            if last.tableVersion == state.definition.version, let why = last.incompatibility {
                throw DecodeFailure(.incompatibleSchema, why)
            }
            cursor.position -= last.length
        }
        let start = cursor.position
        try cursor.skipValue()
        let bytes = cursor.base + start
        let length = cursor.position - start
        let hash = SchemaCache.hash(bytes, length: length)
        if let entry = cache.lookup(bytes, length: length, hash: hash) {
            if let plan = entry.plan { return plan }
            if entry.tableVersion == state.definition.version, let why = entry.incompatibility {
                throw DecodeFailure(.incompatibleSchema, why)
            }
        }
        var schemaCursor = JSONCursor(base: bytes, count: length, maxDepth: configuration.maxNestingDepth)
        schemasParsed += 1
        let schema = try ConnectSchemaParser.parse(try JSONValue.parse(&schemaCursor))
        let previous = state.definition
        switch PlanBuilder.plan(for: schema, state: state, onChange: record) {
        case .success(let plan):
            cache.insert(CachedSchema(bytes: bytes, length: length, hash: hash, plan: plan, incompatibility: nil, tableVersion: state.definition.version))
            return plan
        case .failure(let why):
            let message = "the record's schema is incompatible with \(previous.name) v\(previous.version): \(why); "
                + "record schema: \(schema.jsonText); table schema: \(previous.connectRowSchema(name: previous.name).jsonText)"
            cache.insert(CachedSchema(bytes: bytes, length: length, hash: hash, plan: nil, incompatibility: message, tableVersion: state.definition.version))
            throw DecodeFailure(.incompatibleSchema, message)
        }
    }

    /// Decodes the object at the cursor with `plan`: columns into `stores` at `row`,
    /// metadata into `metadata`. Members are expected in plan order (one compare each);
    /// others are looked up by name.
    func decodeObject(
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
                if cursor.consumeNull() {
                    store.pointee.appendNull()
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

    /// Handles a metadata or envelope member (columns are handled by `decodeObject`).
    private func perform(
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
            try decodeObject(rowPlan, &cursor, stores: stores, row: row, metadata: &metadata)
            metadata.sawAfter = true
        case .source:
            if cursor.consumeNull() { return }
            guard let sourcePlan = plan.sourcePlan else { throw DecodeFailure(.schemaMismatch, "`source` outside an envelope") }
            try decodeObject(sourcePlan, &cursor, stores: stores, row: row, metadata: &metadata)
        case .skip:
            try cursor.skipValue()
        }
    }

    /// Completes the row: nulls for the columns the record did not carry, the required-value
    /// checks, and the system columns.
    func finishRow(_ state: TableState, plan: RowPlan, metadata: RowMetadata, origin: RecordOrigin) throws(DecodeFailure) -> UInt8 {
        var operation = metadata.operation == 0 ? UInt8(ascii: "u") : metadata.operation
        if metadata.deleted { operation = UInt8(ascii: "d") }
        let millis = metadata.sourceMillis ?? metadata.eventMillis ?? origin.timestampMs
        return try appendSystemColumns(
            state, operation: operation, lsn: metadata.lsn, sourceMillis: millis, origin: origin,
            required: operation == UInt8(ascii: "d") ? [] : plan.requiredColumns
        )
    }

    /// Fills the missing source values with nulls, checks `required` and the key columns, then
    /// appends the six system columns and counts the row.
    func appendSystemColumns(
        _ state: TableState, operation: UInt8, lsn: Int64?, sourceMillis: Int64, origin: RecordOrigin, required: [Int]
    ) throws(DecodeFailure) -> UInt8 {
        let buffer = state.buffer
        let stores = buffer.stores
        let row = buffer.rowCount
        let systemCount = 6
        for index in systemCount..<buffer.columnCount where stores[index].count == row {
            stores[index].appendNull()
        }
        for index in state.keyColumns where stores[index].isNull(row) {
            throw missing(state, index, "key column")
        }
        for index in required where stores[index].isNull(row) {
            throw missing(state, index, "required column")
        }
        let (micros, overflow) = sourceMillis.multipliedReportingOverflow(by: 1000)
        guard !overflow, micros >= CivilTime.minimumMicros, micros <= CivilTime.maximumMicros else {
            throw DecodeFailure(.badTimestamp, "source timestamp \(sourceMillis) ms is out of range")
        }
        stores[0].bytes.append(operation)
        stores[0].finishBytes()
        stores[1].append(operation == UInt8(ascii: "d"))
        if let lsn { stores[2].append(lsn) } else { stores[2].appendNull() }
        stores[3].append(micros)
        stores[4].append(origin.partition)
        stores[5].append(origin.offset)
        buffer.rowCount = row + 1
        return operation
    }

    private func missing(_ state: TableState, _ decoded: Int, _ kind: String) -> DecodeFailure {
        let definition = state.definition
        let indices = definition.decodedColumnIndices
        let name = indices.indices.contains(decoded) ? definition.columns[indices[decoded]].name : "#\(decoded)"
        return DecodeFailure(.missingRequiredField, "\(kind) `\(name)` is null or absent")
    }

    /// A delete row carrying only the key columns, from the record key (JSON, with or without
    /// a schema wrapper; a bare scalar for a one-column key).
    func decodeTombstone(_ state: TableState, _ origin: RecordOrigin, key: UnsafeRawBufferPointer?) throws(DecodeFailure) -> UInt8 {
        guard let key, let base = key.baseAddress, key.count > 0 else {
            throw DecodeFailure(.missingRequiredField, "a tombstone (null value) without a key cannot name the deleted row")
        }
        let plan = state.keyPlan ?? PlanBuilder.keyPlan(state: state)
        state.keyPlan = plan
        var cursor = JSONCursor(base: base.assumingMemoryBound(to: UInt8.self), count: key.count, maxDepth: configuration.maxNestingDepth)
        var metadata = RowMetadata()
        let stores = state.buffer.stores
        let row = state.buffer.rowCount
        cursor.skipWhitespace()
        if cursor.peek == UInt8(ascii: "{") {
            var probe = cursor
            probe.position += 1
            probe.skipWhitespace()
            if probe.hasPrefix(Self.schemaMember.base, length: Self.schemaMember.count) {
                // {"schema":…,"payload":{…}}
                probe.position += Self.schemaMember.count
                try probe.expect(UInt8(ascii: ":"), "`:`")
                try probe.skipValue()
                try probe.expect(UInt8(ascii: ","), "`,`")
                probe.skipWhitespace()
                guard probe.hasPrefix(Self.payloadMember.base, length: Self.payloadMember.count) else {
                    throw DecodeFailure(.schemaMismatch, "the key has `schema` but no `payload`")
                }
                probe.position += Self.payloadMember.count
                try probe.expect(UInt8(ascii: ":"), "`:`")
                try decodeObject(plan, &probe, stores: stores, row: row, metadata: &metadata)
                try probe.expect(UInt8(ascii: "}"), "`}`")
                cursor = probe
            } else {
                try decodeObject(plan, &cursor, stores: stores, row: row, metadata: &metadata)
            }
        } else if plan.fieldCount == 1, case .column(let index, let conversion) = plan.actions[0] {
            do {
                try ValueDecoding.decode(conversion, &cursor, into: stores + index)
            } catch {
                throw DecodeFailure(error.reason, "key: \(error.message)")
            }
        } else {
            throw cursor.wrongType("a key object")
        }
        try cursor.expectEnd()
        return try appendSystemColumns(
            state, operation: UInt8(ascii: "d"), lsn: nil, sourceMillis: origin.timestampMs, origin: origin, required: []
        )
    }

    /// A dead letter for `failure`, with copies of the record's bytes.
    func deadLetter(_ failure: DecodeFailure, _ origin: RecordOrigin, _ key: UnsafeRawBufferPointer?, _ value: UnsafeRawBufferPointer?) -> DeadLetter {
        DeadLetter(
            reason: failure.reason, message: failure.message,
            topic: routes.indices.contains(origin.route) ? routes[origin.route].topic : "<invalid route>",
            partition: origin.partition, offset: origin.offset, timestampMs: origin.timestampMs,
            key: key.map { Array($0) }, value: value.map { Array($0) }
        )
    }
}
