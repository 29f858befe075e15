import Catalog

/// How a decimal is stored: Parquet DECIMAL on INT32 (precision ≤ 9), INT64 (≤ 18) or
/// FIXED_LEN_BYTE_ARRAY (above), with the column's precision and scale.
struct DecimalTarget {
    var precision: Int
    var scale: Int
}

/// A `ValueConversion` specialised for one column: its limits and storage resolved, so the hot
/// path switches on one small trivial enum.
enum Conversion {
    case boolean
    case integer(ClosedRange<Int64>)
    case floating
    case decimal(fieldScale: Int, target: DecimalTarget)
    case decimalText(DecimalTarget)
    case variableScaleDecimal(DecimalTarget)
    case variableScaleDecimalText(maxBytes: Int)
    case text(maxBytes: Int)
    case jsonText(maxBytes: Int)
    case jsonValue(maxBytes: Int)
    case uuid
    case bytes(maxBytes: Int)
    /// Bytes written as text in a Connect `string` (Debezium's `binary.handling.mode`).
    case binaryText(maxBytes: Int, encoding: BinaryEncoding)
    case days
    /// Microseconds = value × multiplier / divisor (one of them is 1).
    case timeOfDay(multiplier: Int64, divisor: Int64)
    case zonedTime
    case epochTimestamp(multiplier: Int64, divisor: Int64)
    case zonedTimestamp
    // The text forms of snapshot files (ISO-8601 without an offset), which Connect never sends.
    /// `[±]YYYY-MM-DD`, stored as days since 1970.
    case isoDate
    /// `HH:MM[:SS[.f]]`, stored as microseconds since midnight.
    case localTime
    /// `YYYY-MM-DD(T| )HH:MM[:SS[.f]]`, stored as wall-clock microseconds since 1970.
    case localTimestamp
}

/// What to do with one member of a payload object.
enum FieldAction {
    /// Decode into the decoded column `index`.
    case column(index: Int, conversion: Conversion)
    /// `__op` / envelope `op`.
    case operation
    /// `__source_ts_ms` / envelope `source.ts_ms`: when the change was committed.
    case sourceMillis
    /// `__ts_ms` / envelope `ts_ms`: when the connector processed it.
    case eventMillis
    /// `__lsn` / envelope `source.lsn`.
    case lsn
    /// `__deleted` (`"true"`/`"false"` or a boolean).
    case deleted
    /// Envelope `before`, `after`, `source`.
    case before, after, source
    /// Anything else known but unused (`__table`, `source.db`, `transaction`): validated and skipped.
    case skip
}

/// The decoding recipe for one object shape (a payload under one Connect schema, an envelope's
/// `source`, a Kafka key): member names in their expected order with what to do for each.
///
/// Names are stored quoted (`"entity_id"`) back to back, so a member in the expected order is
/// recognised with one memory compare at the cursor.
final class RowPlan {
    let fieldCount: Int
    private let names: UnsafeMutablePointer<UInt8>
    private let nameOffsets: UnsafeMutablePointer<Int>
    let actions: UnsafeMutablePointer<FieldAction>
    /// Member names, for messages and the slow lookup.
    let fieldNames: [String]
    /// Decoded columns that must not be null unless the row is a delete: non-optional Connect
    /// fields and NOT NULL columns.
    let requiredColumns: [Int]
    /// True for the envelope form (`before`/`after`/`source`/`op`).
    let isEnvelope: Bool
    /// For an envelope: the plan of `before`/`after`.
    let rowPlan: RowPlan?
    /// For an envelope: the plan of `source`.
    let sourcePlan: RowPlan?
    /// Members not listed are skipped (true for `source`); else they are a schema mismatch,
    /// except `__`-prefixed metadata in schemaless payloads.
    let skipsUnknown: Bool
    /// Per member, the form of Debezium's unavailable-value placeholder its column can meet
    /// (`UnavailableValue.Form` raw values, 0 for none), and the placeholder's forms.
    let unavailableForms: UnsafeMutablePointer<UInt8>
    let unavailable: UnavailableValue?

    init(
        fields: [(String, FieldAction)], requiredColumns: [Int], isEnvelope: Bool = false, rowPlan: RowPlan? = nil,
        sourcePlan: RowPlan? = nil, skipsUnknown: Bool = false, unavailable: UnavailableValue? = nil,
        forms: [UnavailableValue.Form] = []
    ) {
        fieldCount = fields.count
        fieldNames = fields.map(\.0)
        let quoted = fields.map { Array("\"\($0.0)\"".utf8) }
        let total = quoted.reduce(0) { $0 + $1.count }
        names = UnsafeMutablePointer<UInt8>.allocate(capacity: max(total, 1))
        nameOffsets = UnsafeMutablePointer<Int>.allocate(capacity: fields.count + 1)
        actions = UnsafeMutablePointer<FieldAction>.allocate(capacity: max(fields.count, 1))
        var offset = 0
        for (index, name) in quoted.enumerated() {
            nameOffsets[index] = offset
            (names + offset).initialize(from: name, count: name.count)
            offset += name.count
            (actions + index).initialize(to: fields[index].1)
        }
        nameOffsets[fields.count] = offset
        self.requiredColumns = requiredColumns
        self.isEnvelope = isEnvelope
        self.rowPlan = rowPlan
        self.sourcePlan = sourcePlan
        self.skipsUnknown = skipsUnknown
        self.unavailable = unavailable
        unavailableForms = UnsafeMutablePointer<UInt8>.allocate(capacity: max(fields.count, 1))
        for index in 0..<fields.count {
            (unavailableForms + index).initialize(to: unavailable != nil && index < forms.count ? forms[index].rawValue : 0)
        }
    }

    deinit {
        unavailableForms.deallocate()
        names.deallocate()
        nameOffsets.deallocate()
        actions.deinitialize(count: fieldCount)
        actions.deallocate()
    }

    /// The quoted name of member `index` and its length.
    @inline(__always) func quotedName(_ index: Int) -> (UnsafePointer<UInt8>, Int) {
        (UnsafePointer(names + nameOffsets[index]), nameOffsets[index + 1] - nameOffsets[index])
    }

    /// The index of the member whose unquoted name is `length` bytes at `name`, or nil.
    func index(of name: UnsafePointer<UInt8>, length: Int) -> Int? {
        for index in 0..<fieldCount where nameOffsets[index + 1] - nameOffsets[index] - 2 == length {
            if memoryEqual(names + nameOffsets[index] + 1, name, length) { return index }
        }
        return nil
    }
}
