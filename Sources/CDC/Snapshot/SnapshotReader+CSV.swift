import Catalog

extension SnapshotReader {
    /// Reads RFC 4180 CSV: the first record is the header naming the columns (any order,
    /// undeclared ones ignored); every later record is a row. An unquoted empty field is null;
    /// a quoted empty one (`""`) is the empty string in a varchar or bytes column and null
    /// elsewhere (PostgreSQL's `COPY … CSV` convention). Blank lines are skipped.
    static func readCSV(_ text: UnsafeBufferPointer<UInt8>, definition: TableDefinition, limits: SnapshotLimits) throws(CDCError) -> SnapshotRows {
        guard let base = text.baseAddress else { throw CDCError(.invalidSnapshot, "the CSV is empty: it has no header row") }
        var scanner = CSVScanner(base: base, count: text.count, skipping: byteOrderMarkLength(text))
        var header: CSVRecord?
        while let record = scanner.next() {
            if !isBlank(scanner.fieldBuffer) {
                header = record
                break
            }
        }
        guard let header else { throw CDCError(.invalidSnapshot, "the CSV has no header row") }
        if let error = header.error { throw CDCError(.invalidSnapshot, "the CSV header (line \(header.line)) is malformed: \(error)") }
        let columns = SnapshotColumns(definition, reserving: 0)
        let (targetOfField, ignored) = try mapHeader(scanner.fieldBuffer, base: base, columns: columns)
        reserve(columns, sampling: text, from: scanner.offset, targetOfField: targetOfField)

        // Each field's target and conversion, resolved once: the loop below reads them from raw
        // memory, so that a value costs no array access or reference counting.
        let plans = UnsafeMutableBufferPointer<FieldPlan>.allocate(capacity: targetOfField.count)
        defer { plans.deallocate() }
        for (index, target) in targetOfField.enumerated() {
            plans[index] = target.map { target in
                FieldPlan(target: target, conversion: columns.targets[target].textConversion, keepsEmptyText: columns.targets[target].keepsEmptyText)
            } ?? FieldPlan(target: -1, conversion: .boolean, keepsEmptyText: false)
        }

        var log = RejectionLog(limits: limits)
        var value = TextValue()
        let buffer = columns.buffer
        let stores = buffer.stores
        while let record = scanner.next() {
            let fields = scanner.fieldBuffer
            guard record.error != nil || !isBlank(fields) else { continue }
            let row = buffer.rowCount
            do throws(DecodeFailure) {
                if let error = record.error { throw DecodeFailure(.malformedCSV, error) }
                guard fields.count == plans.count else {
                    throw DecodeFailure(.malformedCSV, "the record has \(fields.count) fields, the header \(plans.count)")
                }
                for index in 0..<fields.count {
                    let plan = plans[index]
                    guard plan.target >= 0 else { continue }
                    let field = fields[index]
                    guard !field.isEmpty || (field.quoted && plan.keepsEmptyText) else { continue }
                    let store = stores + plan.target
                    let text = field.text(base)
                    if !field.hasDoubledQuotes && TextValue.appendPlain(text, plan.conversion, into: store) { continue }
                    try value.append(
                        text, doubledQuotes: field.hasDoubledQuotes, conversion: plan.conversion,
                        column: columns.targets[plan.target].fileName, into: store
                    )
                }
                try columns.finishRow()
            } catch {
                buffer.rollBack(to: row)
                log.add(line: record.line, error, text: UnsafeBufferPointer(start: base + record.start, count: record.end - record.start))
            }
        }
        return columns.rows(rejections: log, ignoredColumns: ignored)
    }

    /// How one CSV field is read: its target (-1 for an undeclared column), the target's text
    /// conversion, and whether a quoted empty field is an empty value.
    private struct FieldPlan {
        var target: Int
        var conversion: Conversion
        var keepsEmptyText: Bool
    }

    /// Records sampled to size the column builders.
    private static let sampledRecords = 1_000

    /// Reserves room in `columns` for the rows of `text` after `offset` (the header), estimated
    /// from the first records: their mean length gives the row count, and each byte-array
    /// column gets its mean field length times that. Growing by doubling instead would copy
    /// each column about once more and touch twice its memory.
    private static func reserve(_ columns: SnapshotColumns, sampling text: UnsafeBufferPointer<UInt8>, from offset: Int, targetOfField: [Int?]) {
        guard let base = text.baseAddress else { return }
        var sampler = CSVScanner(base: base, count: text.count, skipping: offset)
        var records = 0
        var fieldBytes = [Int](repeating: 0, count: columns.targets.count)
        while records < sampledRecords, sampler.next() != nil {
            records += 1
            for (field, target) in zip(sampler.fieldBuffer, targetOfField) {
                if let target { fieldBytes[target] += field.end - field.start }
            }
        }
        guard records > 0 else { return }
        let sampledBytes = sampler.offset - offset
        // A margin, so that a file whose later rows run a little longer does not grow once more.
        let rows = (text.count - offset) / max(sampledBytes / records, 1) * 9 / 8 + 16
        columns.reserve(rows: rows) { target in min(fieldBytes[target] * (rows / records + 1), text.count) }
    }

    /// For each header field, the target it names (nil for an undeclared column), and the
    /// undeclared names. Throws when a name repeats or a NOT NULL column is missing.
    private static func mapHeader(
        _ fields: UnsafeBufferPointer<CSVField>, base: UnsafePointer<UInt8>, columns: SnapshotColumns
    ) throws(CDCError) -> ([Int?], [String]) {
        var targetOfField: [Int?] = []
        var ignored: [String] = []
        var seen = Set<String>()
        for field in fields {
            var bytes: [UInt8] = []
            CSVField.unescape(field.text(base), doubledQuotes: field.hasDoubledQuotes, into: &bytes)
            let name = String(decoding: bytes, as: UTF8.self)
            guard seen.insert(name).inserted else { throw CDCError(.invalidSnapshot, "the CSV header names column `\(name)` twice") }
            let target = columns.target(named: name)
            targetOfField.append(target)
            if target == nil { ignored.append(name) }
        }
        try requireColumns(present: Set(targetOfField.compactMap { $0 }), of: columns, in: "the CSV header")
        return (targetOfField, ignored)
    }

    /// True for a record that is a blank line (one empty unquoted field).
    private static func isBlank(_ fields: UnsafeBufferPointer<CSVField>) -> Bool {
        fields.count == 1 && fields[0].isEmpty && !fields[0].quoted
    }
}

extension SnapshotColumns.Target {
    /// True when a quoted empty CSV field is an empty value rather than null: text and bytes.
    var keepsEmptyText: Bool {
        switch column.type {
        case .varchar, .bytes: true
        default: false
        }
    }
}
