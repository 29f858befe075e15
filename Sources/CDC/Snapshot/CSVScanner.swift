/// One field of a CSV record: where its text lies, and how it was written.
struct CSVField {
    /// Index of the first byte of the text (after the opening quote of a quoted field).
    var start: Int
    /// Index just past the text (before the closing quote).
    var end: Int
    /// True when the field was enclosed in double quotes.
    var quoted: Bool
    /// True when the text holds `""` pairs, each standing for one `"`.
    var hasDoubledQuotes: Bool

    /// True for a field with no text (`,,` or `,"",`).
    var isEmpty: Bool { start == end }

    /// The field's text as written (`""` pairs not undone) in the scanned bytes at `base`.
    func text(_ base: UnsafePointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: base + start, count: end - start)
    }

    /// Appends `text` to `output`, each `""` pair as one `"` when `doubledQuotes` (inside a
    /// quoted field every quote is one of a pair: the scanner ends the field at a lone one).
    static func unescape(_ text: UnsafeBufferPointer<UInt8>, doubledQuotes: Bool, into output: inout [UInt8]) {
        guard doubledQuotes else {
            output.append(contentsOf: text)
            return
        }
        var index = 0
        while index < text.count {
            output.append(text[index])
            index += text[index] == UInt8(ascii: "\"") ? 2 : 1
        }
    }
}

/// One record found by `CSVScanner`.
struct CSVRecord {
    /// The line the record starts on, from 1.
    var line: Int
    /// Index of its first byte.
    var start: Int
    /// Index just past its last byte, line end excluded.
    var end: Int
    /// Why the record breaks RFC 4180, or nil. The scanner has skipped the rest of its line.
    var error: String?
}

/// Splits CSV text into records and fields (RFC 4180 section 2): fields separated by commas,
/// records by CRLF or LF (a CR not followed by LF is text); a field may be enclosed in double
/// quotes, and then holds commas, line breaks and `""` for a quote. The scanner does not copy:
/// fields are ranges of the text, unescaped by their reader.
struct CSVScanner {
    private let base: UnsafePointer<UInt8>
    private let count: Int
    private var position = 0
    private var line = 1

    /// A scanner over `count` bytes at `base`, starting after `skipping` bytes (a byte order mark).
    init(base: UnsafePointer<UInt8>, count: Int, skipping: Int) {
        self.base = base
        self.count = count
        position = min(skipping, count)
    }

    /// The next record, its fields in `fields` (emptied first), or nil at the end of the text.
    mutating func next(into fields: inout [CSVField]) -> CSVRecord? {
        guard position < count else { return nil }
        fields.removeAll(keepingCapacity: true)
        var record = CSVRecord(line: line, start: position, end: position, error: nil)
        while true {
            if position < count && base[position] == UInt8(ascii: "\"") {
                guard let field = quotedField() else {
                    record.error = "a quoted field (field \(fields.count + 1)) is never closed"
                    record.end = count
                    return record
                }
                fields.append(field)
            } else {
                let start = position
                while position < count, !isDelimiter(position) {
                    if base[position] == UInt8(ascii: "\"") {
                        record.error = "a double quote inside unquoted field \(fields.count + 1)"
                    }
                    position += 1
                }
                fields.append(CSVField(start: start, end: position, quoted: false, hasDoubledQuotes: false))
            }
            if position < count && base[position] == UInt8(ascii: ",") {
                position += 1
                continue
            }
            if position < count && !isLineEnd(position) {
                record.error = record.error ?? "text after the closing quote of field \(fields.count)"
                while position < count && !isLineEnd(position) { position += 1 }
            }
            record.end = position
            skipLineEnd()
            return record
        }
    }

    /// A quoted field whose opening quote is at `position`, leaving `position` after its
    /// closing quote; nil when no closing quote follows (then `position` is at the end).
    private mutating func quotedField() -> CSVField? {
        position += 1
        let start = position
        var doubled = false
        while position < count {
            let byte = base[position]
            if byte == UInt8(ascii: "\"") {
                if position + 1 < count && base[position + 1] == UInt8(ascii: "\"") {
                    doubled = true
                    position += 2
                    continue
                }
                position += 1
                return CSVField(start: start, end: position - 1, quoted: true, hasDoubledQuotes: doubled)
            }
            if byte == 0x0A { line += 1 }
            position += 1
        }
        return nil
    }

    /// True at a comma or a line end.
    private func isDelimiter(_ index: Int) -> Bool {
        base[index] == UInt8(ascii: ",") || isLineEnd(index)
    }

    /// True at LF, or at CR followed by LF or by the end of the text.
    private func isLineEnd(_ index: Int) -> Bool {
        let byte = base[index]
        return byte == 0x0A || (byte == 0x0D && (index + 1 == count || base[index + 1] == 0x0A))
    }

    /// Steps over the line end at `position`, if any.
    private mutating func skipLineEnd() {
        guard position < count else { return }
        if base[position] == 0x0D { position += 1 }
        if position < count && base[position] == 0x0A { position += 1 }
        line += 1
    }
}
