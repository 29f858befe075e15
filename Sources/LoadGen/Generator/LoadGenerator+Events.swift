import Catalog

/// The events of the simulated database, each queuing the records Debezium would write for it.
extension LoadGenerator {
    // MARK: Events

    func ensureEntity(_ id: Int64) {
        guard !world.entities[Int(id - 1)].exists else { return }
        var entity = WorldState.Entity()
        entity.exists = true
        entity.tenant = random.int(1...Int64(configuration.tenants))
        entity.type = WorldState.entityTypes[Int(random.int(0...Int64(WorldState.entityTypes.count - 1)))]
        entity.name = "\(entity.type)-\(id)"
        entity.createdMicros = nowMs * 1000
        entity.version = world.entities[Int(id - 1)].version
        world.entities[Int(id - 1)] = entity
        if configuration.topics.contains(.entities) { emitEntity(id, operation: "c") }
        if configuration.topics.contains(.entityJSONB) { emitJSONB(id, operation: "c") }
    }

    func emitEntity(_ id: Int64, operation: Character) {
        var entity = world.entities[Int(id - 1)]
        entity.version += 1
        if operation == "u" {
            if random.chance(0.3) { entity.status = Int(random.int(0...2)) }
            entity.name = "\(entity.type)-\(id)-r\(entity.version)"
        }
        let row: [FieldValue] = [
            .integer(id), .integer(entity.tenant), .text(entity.type), .text(WorldState.statuses[entity.status]), .text(entity.name),
            .micros(entity.createdMicros), .micros(nowMs * 1000), .integer(entity.version),
        ]
        entity.entityRow = row
        world.entities[Int(id - 1)] = entity
        let value = entities.encode(row, operation: operation, tsMs: nowMs, lsn: world.nextLSN(&random))
        queue(topic: entities.topic, key: entityKey(id), value: value, kind: .change)
    }

    /// The Debezium placeholder for an unchanged TOASTed value (`unavailable.value.placeholder`'s
    /// default), which a `Json` column carries as its string (`PostgresValueConverter.convertString`).
    static let unavailableValuePlaceholder = "__debezium_unavailable_value"

    func emitJSONB(_ id: Int64, operation: Character) {
        world.entities[Int(id - 1)].version += 1
        let entity = world.entities[Int(id - 1)]
        // An update that leaves the TOASTed document alone (REPLICA IDENTITY DEFAULT): Debezium
        // cannot send it and puts its placeholder in its place; the document stays as it was.
        if operation == "u", configuration.replicaIdentity == .default, let last = entity.jsonbRow,
            random.chance(configuration.unchangedToastRate)
        {
            let row: [FieldValue] = [.integer(id), .integer(entity.tenant), last[2], .micros(nowMs * 1000), .integer(entity.version)]
            world.entities[Int(id - 1)].jsonbRow = row
            var sent = row
            sent[2] = .json(Self.unavailableValuePlaceholder)
            let value = jsonb.encode(sent, operation: operation, tsMs: nowMs, lsn: world.nextLSN(&random))
            queue(topic: jsonb.topic, key: entityKey(id), value: value, kind: .change)
            summary.unchangedToasts += 1
            return
        }
        var document = JSONWriter(capacity: 512)
        document.byte(UInt8(ascii: "{"))
        let hot = attributes.filter(\.isHot)
        let shown = 10 + Int(id % 6)
        for (index, attribute) in hot.prefix(shown).enumerated() {
            if index > 0 { document.raw(", ") }
            document.key(attribute.name)
            document.byte(UInt8(ascii: " "))
            switch attribute.dataType {
            case "decimal": document.raw(String(format3(random.int(-50_000...150_000))))
            case "int": document.integer(random.int(0...100))
            case "bool": document.boolean(random.chance(0.5))
            default: document.string("v\(random.int(1...999))")
            }
        }
        document.byte(UInt8(ascii: "}"))
        let row: [FieldValue] = [
            .integer(id), .integer(entity.tenant), .json(document.text), .micros(nowMs * 1000), .integer(entity.version),
        ]
        world.entities[Int(id - 1)].jsonbRow = row
        let value = jsonb.encode(row, operation: operation, tsMs: nowMs, lsn: world.nextLSN(&random))
        queue(topic: jsonb.topic, key: entityKey(id), value: value, kind: .change)
    }

    func emitValue(_ id: Int64) {
        world.entities[Int(id - 1)].version += 1
        let entity = world.entities[Int(id - 1)]
        let attribute = attributes[Int(random.int(0...Int64(attributes.count - 1)))]
        let index = summary.records
        var encoder = values
        var row = valueRow(id, entity: entity, attribute: attribute)
        if let addAt = configuration.addColumnAt, index >= addAt {
            if summary.columnAddedAt == nil { summary.columnAddedAt = index }
            let interleaving = index - addAt < configuration.rolloutWindow && random.chance(0.3)
            if !interleaving {
                encoder = evolvedValues
                row.append(.double(Double(random.int(500...1000)) / 1000))
            }
        }
        world.remember(WorldState.ValueRow(entityID: id, version: entity.version, fields: row))
        let value = encoder.encode(row, operation: "c", tsMs: nowMs, lsn: world.nextLSN(&random))
        queue(topic: values.topic, key: valueKey(id, entity.version), value: value, kind: .change)
    }

    /// A row of `entity_values_ts`: the value goes to `value_int` or `value_decimal` by the
    /// attribute's type, and always to `value` as text.
    func valueRow(_ id: Int64, entity: WorldState.Entity, attribute: AttributeDefinition) -> [FieldValue] {
        var text = FieldValue.null
        var integer = FieldValue.null
        var decimal = FieldValue.null
        switch attribute.dataType {
        case "decimal":
            let unscaled = random.int(-5_000_000_000...50_000_000_000)
            decimal = .decimal(Int128(unscaled))
            text = .text(format5(unscaled))
        case "int":
            let number = random.int(-1_000...100_000)
            integer = .integer(number)
            text = .text(String(number))
        case "bool":
            let flag = random.chance(0.5)
            integer = .integer(flag ? 1 : 0)
            text = .text(String(flag))
        case "date":
            var writer = JSONWriter()
            CivilTime.formatDate(days: random.int(15_000...21_000), into: &writer)
            text = .text(writer.text)
        default:
            text = .text("reading \(random.int(1...99_999)) of \(attribute.name) — ok")
        }
        let recordedMicros = nowMs * 1000 - random.int(0...5_000_000)
        return [
            .integer(entity.tenant), .integer(id), .integer(attribute.id), .integer(entity.version), text, integer, decimal,
            .micros(recordedMicros),
        ]
    }

    /// A delete of a time-series row, then its tombstone. Its before-image follows the replica
    /// identity: the key (entity_id, version) with Debezium's stand-ins, or the row as written.
    func emitValueDelete(_ row: WorldState.ValueRow) {
        let key = valueKey(row.entityID, row.version)
        // Once the column was added, Debezium writes every change with the table's new schema.
        let encoder = summary.columnAddedAt == nil ? values : evolvedValues
        let image = configuration.replicaIdentity == .full
            ? row.fields
            : encoder.keyOnlyImage(["entity_id": .integer(row.entityID), "version": .integer(row.version)])
        let value = encoder.encode(image, operation: "d", tsMs: nowMs, lsn: world.nextLSN(&random))
        queue(topic: values.topic, key: key, value: value, kind: .change)
        queue(topic: values.topic, key: key, value: nil, kind: .tombstone)
    }

    /// Deletes an entity's `entities` and `entity_jsonb` rows, each followed by its tombstone.
    /// A delete writes nothing, so no version moves: the before-image is the key with
    /// Debezium's stand-ins (REPLICA IDENTITY DEFAULT) or the row as last written (FULL).
    func emitEntityDelete(_ id: Int64) {
        let entity = world.entities[Int(id - 1)]
        let lsn = world.nextLSN(&random)
        let key = ["entity_id": FieldValue.integer(id)]
        let full = configuration.replicaIdentity == .full
        if configuration.topics.contains(.entities), let last = entity.entityRow {
            let image = full ? last : entities.keyOnlyImage(key)
            queue(topic: entities.topic, key: entityKey(id), value: entities.encode(image, operation: "d", tsMs: nowMs, lsn: lsn), kind: .change)
            queue(topic: entities.topic, key: entityKey(id), value: nil, kind: .tombstone)
        }
        if configuration.topics.contains(.entityJSONB), let last = entity.jsonbRow {
            let image = full ? last : jsonb.keyOnlyImage(key)
            queue(topic: jsonb.topic, key: entityKey(id), value: jsonb.encode(image, operation: "d", tsMs: nowMs, lsn: lsn), kind: .change)
            queue(topic: jsonb.topic, key: entityKey(id), value: nil, kind: .tombstone)
        }
        world.entities[Int(id - 1)] = WorldState.Entity(version: entity.version)
    }

    func emitHeartbeats() {
        heartbeatSequence += 1
        var writer = JSONWriter(capacity: 256)
        writer.raw(
            "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":\"int64\",\"optional\":false,\"field\":\"ts_ms\"}],"
                + "\"optional\":false,\"name\":\"io.debezium.connector.common.Heartbeat\",\"version\":1},\"payload\":{\"ts_ms\":"
        )
        writer.integer(nowMs)
        writer.raw("}}")
        var key = JSONWriter()
        key.raw("{\"serverName\":")
        key.string(heartbeatTopic.split(separator: ".", maxSplits: 1).last.map(String.init) ?? heartbeatTopic)
        key.raw("}")
        queue(topic: heartbeatTopic, key: key.bytes, value: writer.bytes, kind: .heartbeat)
        let row: [FieldValue] = [.text("debezium"), .text("cdc"), .micros(nowMs * 1000), .integer(heartbeatSequence)]
        let value = heartbeatTable.encode(row, operation: "u", tsMs: nowMs, lsn: world.nextLSN(&random))
        queue(topic: heartbeatTableTopic, key: Array("{\"node_id\":\"debezium\"}".utf8), value: value, kind: .heartbeat)
    }

    func emitMalformed() {
        let id = random.int(1...Int64(configuration.entities))
        var entity = world.entities[Int(id - 1)]
        if !entity.exists { entity.tenant = 1 }
        let attribute = attributes[Int(random.int(0...Int64(attributes.count - 1)))]
        let corruption = Corruption.allCases[Int(random.int(0...Int64(Corruption.allCases.count - 1)))]
        // Text attributes, so that `value` is a string for the invalid-UTF-8 corruption.
        var row = valueRow(id, entity: entity, attribute: attributes.first { $0.dataType == "text" } ?? attribute)
        var extra: [(String, String)] = []
        var encoder = values
        if let (field, json) = corruption.replacement {
            values.set(field, to: .raw(json), in: &row)
        } else if corruption == .undeclaredField {
            extra = [("undeclared_column", "1")]
        } else if corruption == .incompatibleSchema {
            encoder = incompatibleValues
            values.set("value_int", to: .text("42"), in: &row)
        }
        var value = encoder.encode(row, operation: "c", tsMs: nowMs, lsn: world.lsn, extra: extra)
        switch corruption {
        case .truncated:
            value.removeLast(Int(random.int(1...Int64(value.count / 2))))
        case .invalidUTF8:
            let marker = Array("\"value\":\"".utf8)
            if let at = value.firstRange(of: marker)?.upperBound { value.insert(contentsOf: [0xC3, 0x28], at: at) }
        default:
            break
        }
        queue(topic: values.topic, key: valueKey(id, entity.version + 1_000_000), value: value, kind: .malformed(expectedReason: corruption.expectedReason))
    }

    // MARK: Helpers

    func queue(topic: String, key: [UInt8], value: [UInt8]?, kind: LoadRecordKind) {
        let record = LoadRecord(
            topic: topic, partition: Partitioner.partition(key: key, partitions: configuration.partitions), key: key, value: value,
            timestampMs: nowMs, kind: kind
        )
        pending.append(record)
        if kind == .change {
            if recent.count < 1_000 { recent.append(record) } else { recent[Int(random.int(0...999))] = record }
        }
    }

    func entityKey(_ id: Int64) -> [UInt8] {
        Array("{\"entity_id\":\(id)}".utf8)
    }

    func valueKey(_ id: Int64, _ version: Int64) -> [UInt8] {
        Array("{\"entity_id\":\(id),\"version\":\(version)}".utf8)
    }

    func format5(_ unscaled: Int64) -> String {
        var writer = JSONWriter()
        let sign = unscaled < 0 ? "-" : ""
        let magnitude = unscaled.magnitude
        let fraction = String(magnitude % 100_000)
        writer.raw("\(sign)\(magnitude / 100_000).\(String(repeating: "0", count: 5 - fraction.count))\(fraction)")
        return writer.text
    }

    func format3(_ unscaled: Int64) -> String {
        let sign = unscaled < 0 ? "-" : ""
        let magnitude = unscaled.magnitude
        let fraction = String(magnitude % 1_000)
        return "\(sign)\(magnitude / 1_000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }
}
