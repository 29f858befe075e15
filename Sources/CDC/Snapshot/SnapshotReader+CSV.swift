import Catalog

extension SnapshotReader {
    /// Reads RFC 4180 CSV: the first record is the header naming the columns (any order,
    /// undeclared ones ignored); every later record is a row. An unquoted empty field is null;
    /// a quoted empty one (`""`) is the empty string in a varchar or bytes column and null
    /// elsewhere (PostgreSQL's `COPY … CSV` convention). Blank lines are skipped.
    static func readCSV(_ text: UnsafeBufferPointer<UInt8>, into columns: SnapshotColumns, limits: SnapshotLimits) throws(CDCError) -> SnapshotRows {
        guard let base = text.baseAddress else { throw CDCError(.invalidSnapshot, "the CSV is empty: it has no header row") }
        var scanner = CSVScanner(base: base, count: text.count, skipping: byteOrderMarkLength(text))
        var fields: [CSVField] = []
        var header: CSVRecord?
        while let record = scanner.next(into: &fields) {
            if !isBlank(fields) {
                header = record
                break
            }
        }
        guard let header else { throw CDCError(.invalidSnapshot, "the CSV has no header row") }
        if let error = header.error { throw CDCError(.invalidSnapshot, "the CSV header (line \(header.line)) is malformed: \(error)") }
        let (targetOfField, ignored) = try mapHeader(fields, base: base, columns: columns)

        var log = RejectionLog(limits: limits)
        var value = TextValue()
        let buffer = columns.buffer
        while let record = scanner.next(into: &fields) {
            guard record.error != nil || !isBlank(fields) else { continue }
            let row = buffer.rowCount
            do throws(DecodeFailure) {
                if let error = record.error { throw DecodeFailure(.malformedCSV, error) }
                guard fields.count == targetOfField.count else {
                    throw DecodeFailure(.malformedCSV, "the record has \(fields.count) fields, the header \(targetOfField.count)")
                }
                for (index, field) in fields.enumerated() {
                    guard let target = targetOfField[index] else { continue }
                    guard !field.isEmpty || (field.quoted && columns.targets[target].keepsEmptyText) else { continue }
                    try value.append(
                        field.text(base), doubledQuotes: field.hasDoubledQuotes, conversion: columns.targets[target].textConversion,
                        column: columns.targets[target].fileName, into: buffer.stores + target
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

    /// For each header field, the target it names (nil for an undeclared column), and the
    /// undeclared names. Throws when a name repeats or a NOT NULL column is missing.
    private static func mapHeader(
        _ fields: [CSVField], base: UnsafePointer<UInt8>, columns: SnapshotColumns
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
    private static func isBlank(_ fields: [CSVField]) -> Bool {
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
