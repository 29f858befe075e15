#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension SnapshotReader {
    /// Reads NDJSON: one flat JSON object per line (LF or CRLF), keys naming the columns,
    /// `null` for null; members that name no column are skipped, blank lines too. Values are
    /// read in place by the decoder's object reader, without copying the line.
    static func readNDJSON(_ text: UnsafeBufferPointer<UInt8>, into columns: SnapshotColumns, limits: SnapshotLimits) -> SnapshotRows {
        var log = RejectionLog(limits: limits)
        guard let base = text.baseAddress else { return columns.rows(rejections: log, ignoredColumns: []) }
        let plan = columns.ndjsonPlan()
        let buffer = columns.buffer
        var start = byteOrderMarkLength(text)
        var line = 0
        while start < text.count {
            let newline = memchr(base + start, 0x0A, text.count - start).map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) - base }
            let end = newline ?? text.count
            var length = end - start
            if length > 0 && base[start + length - 1] == 0x0D { length -= 1 }
            let lineStart = start
            start = end + 1
            line += 1
            var cursor = JSONCursor(base: base + lineStart, count: length, maxDepth: limits.maxNestingDepth)
            cursor.skipWhitespace()
            if cursor.isAtEnd { continue }
            let row = buffer.rowCount
            do {
                try readObject(plan, &cursor, into: buffer)
                try columns.finishRow()
            } catch {
                buffer.rollBack(to: row)
                log.add(line: line, error, text: UnsafeBufferPointer(start: base + lineStart, count: length))
            }
        }
        return columns.rows(rejections: log, ignoredColumns: [])
    }

    /// Reads the line's object into the row being built; a line holding any other JSON value
    /// is a `schema_mismatch`.
    private static func readObject(_ plan: RowPlan, _ cursor: inout JSONCursor, into buffer: TableBuffer) throws(DecodeFailure) {
        guard cursor.peek == UInt8(ascii: "{") else {
            let found = cursor.tokenName
            try cursor.skipValue()
            try cursor.expectEnd()
            throw DecodeFailure(.schemaMismatch, "the line is \(found), not an object")
        }
        var metadata = RowMetadata()
        try ObjectDecoder.decode(plan, &cursor, stores: buffer.stores, row: buffer.rowCount, metadata: &metadata)
        try cursor.expectEnd()
    }
}
