/// Where a record was read from.
struct RecordOrigin {
    var route: Int
    var partition: Int32
    var offset: Int64
    var timestampMs: Int64
}

/// The change metadata gathered while a payload is read.
struct RowMetadata {
    /// `c`, `u`, `d`, `r`, or 0 when the payload names none.
    var operation: UInt8 = 0
    var deleted = false
    var lsn: Int64?
    var sourceMillis: Int64?
    var eventMillis: Int64?
    /// Envelope: where `before` starts, when it is an object.
    var beforeStart: Int?
    /// Envelope: true once `after` held a row.
    var sawAfter = false
    /// Decoded columns that carried Debezium's unavailable-value placeholder (rare: the
    /// array is allocated only when one does).
    var unchanged: [Int] = []
}

extension ChangeDecoder {
    /// Decodes one record: appends its row to its table's builders, or reports a heartbeat or
    /// a dead letter (and then appends nothing). `key` and `value` are read during the call
    /// only; a nil `value` is a tombstone, which becomes a delete row of the key columns.
    public func decode(
        route: TopicRoute, partition: Int32, offset: Int64, timestampMs: Int64,
        key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?
    ) -> DecodeOutcome {
        let origin = RecordOrigin(route: route.index, partition: partition, offset: offset, timestampMs: timestampMs)
        guard routes.indices.contains(route.index) else {
            return .deadLetter(deadLetter(DecodeFailure(.unknownTopic, "the route was not made by this decoder"), origin, key, value))
        }
        let size = (key?.count ?? 0) + (value?.count ?? 0)
        guard size <= configuration.maxMessageBytes else {
            let failure = DecodeFailure(.oversized, "\(size) bytes exceed the \(configuration.maxMessageBytes)-byte limit")
            return .deadLetter(deadLetter(failure, origin, key, value))
        }
        switch routes[route.index].destination {
        case .table(let state):
            let row = state.buffer.rowCount
            do {
                let operation = try decodeRow(state, origin, key: key, value: value)
                return .row(TableID(index: state.id), ChangeOperation(code: operation))
            } catch {
                state.buffer.rollBack(to: row)
                return .deadLetter(deadLetter(error, origin, key, value))
            }
        case .heartbeat(let source):
            do {
                return .heartbeat(sourceTimestampMicros: try decodeHeartbeat(source, value: value))
            } catch {
                return .deadLetter(deadLetter(error, origin, key, value))
            }
        case .unknown:
            let failure = DecodeFailure(.unknownTopic, "topic `\(routes[route.index].topic)` feeds no table in the catalog")
            return .deadLetter(deadLetter(failure, origin, key, value))
        }
    }

    private func decodeRow(
        _ state: TableState, _ origin: RecordOrigin, key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?
    ) throws(DecodeFailure) -> UInt8 {
        guard let value else { return try decodeTombstone(state, origin, key: key) }
        guard let base = value.baseAddress, value.count > 0 else { throw DecodeFailure(.malformedJSON, "the value is empty") }
        var cursor = JSONCursor(base: base.assumingMemoryBound(to: UInt8.self), count: value.count, maxDepth: configuration.maxNestingDepth)
        cursor.skipWhitespace()
        if cursor.consumeNull() {
            try cursor.expectEnd()
            return try decodeTombstone(state, origin, key: key)
        }
        try cursor.expect(UInt8(ascii: "{"), "an object")
        cursor.skipWhitespace()
        let plan: RowPlan
        // Whether the payload sits in a {"schema","payload"} wrapper whose closing brace follows
        // it (true), was already validated by `envelopeMembers` (nil), or is the whole value (false).
        let closesWrapper: Bool?
        if cursor.hasPrefix(Self.schemaMember.base, length: Self.schemaMember.count) {
            // JsonConverter with schemas.enable=true: {"schema":…,"payload":…}, in this order.
            cursor.position += Self.schemaMember.count
            try cursor.expect(UInt8(ascii: ":"), "`:`")
            cursor.skipWhitespace()
            let schemaPlan: RowPlan? = cursor.consumeNull() ? nil : try resolveSchema(state, &cursor)
            try cursor.expect(UInt8(ascii: ","), "`,` and the payload")
            cursor.skipWhitespace()
            guard cursor.hasPrefix(Self.payloadMember.base, length: Self.payloadMember.count) else {
                throw DecodeFailure(.schemaMismatch, "expected `payload` after `schema` at byte \(cursor.position)")
            }
            cursor.position += Self.payloadMember.count
            try cursor.expect(UInt8(ascii: ":"), "`:`")
            cursor.skipWhitespace()
            if cursor.consumeNull() {
                try cursor.expect(UInt8(ascii: "}"), "`}`")
                try cursor.expectEnd()
                return try decodeTombstone(state, origin, key: key)
            }
            plan = schemaPlan ?? declaredPlan(state, envelope: startsEnvelope(cursor))
            closesWrapper = true
        } else {
            // schemas.enable=false, or a wrapper whose members come in another order.
            cursor.position = 0
            cursor.skipWhitespace()
            if let (schemaStart, payloadStart) = try envelopeMembers(cursor) {
                var schemaCursor = cursor
                schemaCursor.position = schemaStart
                let schemaPlan: RowPlan? = schemaCursor.consumeNull() ? nil : try resolveSchema(state, &schemaCursor)
                cursor.position = payloadStart
                if cursor.consumeNull() { return try decodeTombstone(state, origin, key: key) }
                plan = schemaPlan ?? declaredPlan(state, envelope: startsEnvelope(cursor))
                closesWrapper = nil
            } else {
                plan = declaredPlan(state, envelope: startsEnvelope(cursor))
                closesWrapper = false
            }
        }
        cursor.skipWhitespace()
        guard cursor.peek == UInt8(ascii: "{") else {
            throw DecodeFailure(.schemaMismatch, "the payload is \(cursor.tokenName), not an object")
        }
        let row = state.buffer.rowCount
        let stores = state.buffer.stores
        var metadata = RowMetadata()
        try ObjectDecoder.decode(plan, &cursor, stores: stores, row: row, metadata: &metadata)
        if plan.isEnvelope && !metadata.sawAfter {
            guard let beforeStart = metadata.beforeStart, let rowPlan = plan.rowPlan else {
                throw DecodeFailure(.missingRequiredField, "the envelope has neither `after` nor `before`")
            }
            var before = cursor
            before.position = beforeStart
            try ObjectDecoder.decode(rowPlan, &before, stores: stores, row: row, metadata: &metadata)
        }
        if let closesWrapper {
            if closesWrapper { try cursor.expect(UInt8(ascii: "}"), "`}`") }
            try cursor.expectEnd()
        }
        return try finishRow(state, plan: plan, metadata: metadata, origin: origin)
    }

    /// `"schema"` and `"payload"` with their quotes.
    static let schemaMember = StaticBytes("\"schema\"")
    static let payloadMember = StaticBytes("\"payload\"")

    /// True when the object at the cursor starts with `before` or `after`: the full envelope
    /// (JsonConverter writes the envelope's fields in schema order, `before` first).
    private func startsEnvelope(_ cursor: JSONCursor) -> Bool {
        var probe = cursor
        guard probe.consume(UInt8(ascii: "{")) else { return false }
        probe.skipWhitespace()
        return probe.consumeLiteral("\"before\"") || probe.consumeLiteral("\"after\"")
    }

    /// For a top-level object of exactly the members `schema` and `payload` (in any order),
    /// where their values start; nil for any other object (a schemaless row).
    private func envelopeMembers(_ cursor: JSONCursor) throws(DecodeFailure) -> (Int, Int)? {
        var probe = cursor
        try probe.expect(UInt8(ascii: "{"), "an object")
        var schemaStart: Int?
        var payloadStart: Int?
        var members = 0
        if probe.consume(UInt8(ascii: "}")) { return nil }
        repeat {
            probe.skipWhitespace()
            guard probe.peek == UInt8(ascii: "\"") else { throw probe.unexpected("a member name") }
            let name = try probe.readString()
            let text = name.hasEscapes ? "" : probe.text(name.start, name.start + name.length)
            try probe.expect(UInt8(ascii: ":"), "`:`")
            probe.skipWhitespace()
            if text == "schema" { schemaStart = probe.position }
            if text == "payload" { payloadStart = probe.position }
            members += 1
            try probe.skipValue()
        } while probe.consume(UInt8(ascii: ","))
        try probe.expect(UInt8(ascii: "}"), "`,` or `}`")
        try probe.expectEnd()
        guard members == 2, let schemaStart, let payloadStart else { return nil }
        return (schemaStart, payloadStart)
    }

    private func declaredPlan(_ state: TableState, envelope: Bool) -> RowPlan {
        if envelope {
            if let plan = state.declaredEnvelopePlan { return plan }
            let plan = PlanBuilder.declaredPlan(state: state, envelope: true)
            state.declaredEnvelopePlan = plan
            return plan
        }
        if let plan = state.declaredPlan { return plan }
        let plan = PlanBuilder.declaredPlan(state: state, envelope: false)
        state.declaredPlan = plan
        return plan
    }
}

/// The bytes of a static ASCII string, kept for the life of the program.
struct StaticBytes: @unchecked Sendable {
    let base: UnsafePointer<UInt8>
    let count: Int

    init(_ text: StaticString) {
        base = text.utf8Start
        count = text.utf8CodeUnitCount
    }
}
