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
///
/// Text is examined eight bytes at a time until a byte that ends the scan (a comma, CR, LF or
/// quote in an unquoted field; a quote or LF in a quoted one), and the fields of a record are
/// kept in the scanner's own buffer, so that a field costs no array bookkeeping.
struct CSVScanner: ~Copyable {
    private let base: UnsafePointer<UInt8>
    private let count: Int
    private var position = 0
    private var line = 1
    /// The fields of the record `next()` returned last (`fieldCount` of them).
    private var fields: UnsafeMutablePointer<CSVField>
    private var fieldCount = 0
    private var fieldCapacity = 16

    /// A scanner over `count` bytes at `base`, starting after `skipping` bytes (a byte order mark).
    init(base: UnsafePointer<UInt8>, count: Int, skipping: Int) {
        self.base = base
        self.count = count
        position = min(skipping, count)
        fields = UnsafeMutablePointer<CSVField>.allocate(capacity: fieldCapacity)
    }

    deinit { fields.deallocate() }

    /// Where the next record starts (after the last one `next()` returned).
    var offset: Int { position }

    /// The fields of the record `next()` returned last, valid until it is called again.
    var fieldBuffer: UnsafeBufferPointer<CSVField> {
        UnsafeBufferPointer(start: fields, count: fieldCount)
    }

    /// The next record, its fields in `fieldBuffer`, or nil at the end of the text.
    mutating func next() -> CSVRecord? {
        guard position < count else { return nil }
        fieldCount = 0
        var record = CSVRecord(line: line, start: position, end: position, error: nil)
        while true {
            if position < count && base[position] == UInt8(ascii: "\"") {
                guard let field = quotedField() else {
                    record.error = "a quoted field (field \(fieldCount + 1)) is never closed"
                    record.end = count
                    return record
                }
                push(field)
            } else {
                let start = position
                unquotedField(&record)
                push(CSVField(start: start, end: position, quoted: false, hasDoubledQuotes: false))
            }
            if position < count && base[position] == UInt8(ascii: ",") {
                position += 1
                continue
            }
            if position < count && !isLineEnd(position) {
                record.error = record.error ?? "text after the closing quote of field \(fieldCount)"
                while position < count && !isLineEnd(position) { position += 1 }
            }
            record.end = position
            skipLineEnd()
            return record
        }
    }

    private mutating func push(_ field: CSVField) {
        if fieldCount == fieldCapacity {
            let bigger = UnsafeMutablePointer<CSVField>.allocate(capacity: fieldCapacity * 2)
            bigger.moveInitialize(from: fields, count: fieldCount)
            fields.deallocate()
            fields = bigger
            fieldCapacity *= 2
        }
        (fields + fieldCount).initialize(to: field)
        fieldCount += 1
    }

    /// Moves `position` to the comma or line end that ends the unquoted field starting there
    /// (or the end of the text). A quote inside it is an error of the record, the last such
    /// one named.
    @inline(__always) private mutating func unquotedField(_ record: inout CSVRecord) {
        while true {
            while position + 8 <= count {
                let word = UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self)
                let found = Self.lanes(word, UInt8(ascii: ",")) | Self.lanes(word, 0x0A) | Self.lanes(word, 0x0D)
                    | Self.lanes(word, UInt8(ascii: "\""))
                if found != 0 {
                    position += found.trailingZeroBitCount >> 3
                    break
                }
                position += 8
            }
            guard position < count else { return }
            switch base[position] {
            case UInt8(ascii: ","), 0x0A:
                return
            case 0x0D:
                if isLineEnd(position) { return }
            case UInt8(ascii: "\""):
                record.error = "a double quote inside unquoted field \(fieldCount + 1)"
            default:
                break
            }
            position += 1
        }
    }

    /// A quoted field whose opening quote is at `position`, leaving `position` after its
    /// closing quote; nil when no closing quote follows (then `position` is at the end).
    private mutating func quotedField() -> CSVField? {
        position += 1
        let start = position
        var doubled = false
        while true {
            while position + 8 <= count {
                let word = UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self)
                let found = Self.lanes(word, UInt8(ascii: "\"")) | Self.lanes(word, 0x0A)
                if found != 0 {
                    position += found.trailingZeroBitCount >> 3
                    break
                }
                position += 8
            }
            guard position < count else { return nil }
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
    }

    /// The high bit of each byte lane of `word` that equals `byte`. Borrows only flag lanes
    /// above a real match, so the lowest flag is exact.
    @inline(__always) private static func lanes(_ word: UInt64, _ byte: UInt8) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let x = word ^ (ones &* UInt64(byte))
        return (x &- ones) & ~x & 0x8080_8080_8080_8080
    }

    /// True at LF, or at CR followed by LF or by the end of the text.
    @inline(__always) private func isLineEnd(_ index: Int) -> Bool {
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
