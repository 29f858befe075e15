import Catalog

extension ChangeDecoder {
    /// The largest broken schema whose refusal is cached (real Connect schemas are a few KiB).
    static let maxCachedInvalidSchemaBytes = 64 << 10

    /// The plan for the Connect schema at the cursor, leaving the cursor after it. The
    /// previous record's schema is tried first with one memory compare; then the cache by
    /// hash; only a schema never seen is parsed (and may evolve the table). Refusals are cached
    /// too: an incompatible schema until the table evolves, a broken one (up to
    /// `maxCachedInvalidSchemaBytes`) for good.
    func resolveSchema(_ state: TableState, _ cursor: inout JSONCursor) throws(DecodeFailure) -> RowPlan {
        let cache = state.schemaCache
        if let last = cache.last, cursor.hasPrefix(last.bytes, length: last.length) {
            cursor.position += last.length
            if let plan = try cachedPlan(last, state) { return plan }
            cursor.position -= last.length
        }
        let start = cursor.position
        try cursor.skipValue()
        let bytes = cursor.base + start
        let length = cursor.position - start
        let hash = SchemaCache.hash(bytes, length: length)
        if let entry = cache.lookup(bytes, length: length, hash: hash), let plan = try cachedPlan(entry, state) {
            return plan
        }
        var schemaCursor = JSONCursor(base: bytes, count: length, maxDepth: configuration.maxNestingDepth)
        schemasParsed += 1
        let schema: ConnectSchema
        do {
            schema = try ConnectSchemaParser.parse(try JSONValue.parse(&schemaCursor))
        } catch {
            // A broken schema repeated by every record is parsed once; a large or one-off one
            // (garbage let through upstream) is not kept, so it neither holds megabytes in the
            // cache nor evicts the plans of good schemas.
            if length <= Self.maxCachedInvalidSchemaBytes {
                cache.insert(CachedSchema(bytes: bytes, length: length, hash: hash, verdict: .invalid(error)))
            }
            throw error
        }
        let previous = state.definition
        switch PlanBuilder.plan(for: schema, state: state, onChange: record) {
        case .success(let plan):
            cache.insert(CachedSchema(bytes: bytes, length: length, hash: hash, verdict: .plan(plan)))
            return plan
        case .failure(let why):
            let message = "the record's schema is incompatible with \(previous.name) v\(previous.version): \(why); "
                + "record schema: \(schema.jsonText); table schema: \(previous.connectRowSchema(name: previous.name).jsonText)"
            let verdict = SchemaVerdict.incompatible(message: message, tableVersion: state.definition.version)
            cache.insert(CachedSchema(bytes: bytes, length: length, hash: hash, verdict: verdict))
            throw DecodeFailure(.incompatibleSchema, message)
        }
    }

    /// The cached verdict of `entry`: its plan, its refusal thrown, or nil when an
    /// incompatible verdict predates the table's current version (reconsider it).
    @inline(__always) private func cachedPlan(_ entry: CachedSchema, _ state: TableState) throws(DecodeFailure) -> RowPlan? {
        switch entry.verdict {
        case .plan(let plan): return plan
        case .invalid(let failure): throw failure
        case .incompatible(let message, let version):
            guard version == state.definition.version else { return nil }
            throw DecodeFailure(.incompatibleSchema, message)
        }
    }

    /// Completes the row: nulls for the columns the record did not carry, the required-value
    /// checks, and the system columns.
    func finishRow(_ state: TableState, plan: RowPlan, metadata: RowMetadata, origin: RecordOrigin) throws(DecodeFailure) -> UInt8 {
        var operation = metadata.operation == 0 ? UInt8(ascii: "u") : metadata.operation
        if metadata.deleted { operation = UInt8(ascii: "d") }
        let millis = metadata.sourceMillis ?? metadata.eventMillis ?? origin.timestampMs
        let deleting = operation == UInt8(ascii: "d")
        if deleting && state.definition.replicaIdentity == .default {
            // Under REPLICA IDENTITY DEFAULT a delete's before-image carries only the key; its
            // other fields are null or Debezium's stand-ins for NOT NULL columns (the column
            // default or the type's zero), which say nothing about the deleted row.
            let row = state.buffer.rowCount
            let stores = state.buffer.stores
            for index in state.nonKeyColumns where stores[index].count > row {
                stores[index].truncate(to: row)
                stores[index].appendNull()
            }
        }
        return try appendSystemColumns(
            state, operation: operation, lsn: metadata.lsn, sourceMillis: millis, origin: origin,
            required: deleting ? [] : plan.requiredColumns, unchanged: deleting ? [] : metadata.unchanged
        )
    }

    /// Fills the missing source values with nulls, checks `required` (except the `unchanged`
    /// columns, which carried no value) and the key columns, then appends the seven system
    /// columns and counts the row.
    func appendSystemColumns(
        _ state: TableState, operation: UInt8, lsn: Int64?, sourceMillis: Int64, origin: RecordOrigin, required: [Int],
        unchanged: [Int] = []
    ) throws(DecodeFailure) -> UInt8 {
        let buffer = state.buffer
        let stores = buffer.stores
        let row = buffer.rowCount
        buffer.fillMissing(from: SystemColumn.all.count)
        if let index = buffer.firstNull(among: state.keyColumns) { throw missing(state, index, "key column") }
        if unchanged.isEmpty {
            if let index = buffer.firstNull(among: required) { throw missing(state, index, "required column") }
        } else if let index = buffer.firstNull(among: required.filter { !unchanged.contains($0) }) {
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
        if unchanged.isEmpty {
            stores[6].appendNull()
        } else {
            // The names in staging order (decoded indices follow it), each once.
            let names = state.definition.decodedColumnIndices
            for (position, index) in Set(unchanged).sorted().enumerated() {
                if position > 0 { stores[6].bytes.append(UInt8(ascii: ",")) }
                stores[6].bytes.append(contentsOf: state.definition.columns[names[index]].name.utf8)
            }
            stores[6].finishBytes()
        }
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
                try ObjectDecoder.decode(plan, &probe, stores: stores, row: row, metadata: &metadata)
                try probe.expect(UInt8(ascii: "}"), "`}`")
                cursor = probe
            } else {
                try ObjectDecoder.decode(plan, &cursor, stores: stores, row: row, metadata: &metadata)
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
