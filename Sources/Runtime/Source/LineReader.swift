import Foundation

/// Reads a file line by line in large chunks, handing each line to a closure as a view into its
/// own buffer (no copy, no per-line allocation). Memory stays at one chunk plus the longest line.
///
/// Lines end with `\n` (a trailing `\r` is kept: callers that care strip it); the last line
/// needs no terminator. A line longer than `maxLineBytes` is still read whole (so its original
/// bytes can go to the dead-letter queue), up to `hardLimitBytes`, beyond which it is reported
/// truncated rather than exhausting memory.
public struct LineReader {
    /// Bytes read per system call. Default: 4 MiB.
    public var chunkBytes: Int
    /// Lines longer than this cannot be buffered whole; see `Line.isTruncated`. Default: 64 MiB.
    public var hardLimitBytes: Int

    /// A line handed to the reader's closure.
    public struct Line {
        /// The line's bytes (without the `\n`), valid only during the call.
        public var bytes: UnsafeRawBufferPointer
        /// 1-based line number.
        public var number: Int
        /// True when the line exceeded `hardLimitBytes` and `bytes` holds only its beginning.
        public var isTruncated: Bool
    }

    /// A reader with the given chunk size and hard line limit.
    public init(chunkBytes: Int = 4 << 20, hardLimitBytes: Int = 64 << 20) {
        self.chunkBytes = max(4096, chunkBytes)
        self.hardLimitBytes = max(1, hardLimitBytes)
    }

    /// Calls `body` for every line of the file at `path`, in order. Stops early when `body`
    /// returns false. Returns the number of lines delivered.
    @discardableResult
    public func forEachLine(path: String, _ body: (Line) throws -> Bool) throws -> Int {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw RuntimeError(.input, "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: chunkBytes)
        var carry: [UInt8] = []
        var carryTruncated = false
        var number = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw RuntimeError(.input, "cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            let keepGoing = try buffer.withUnsafeBytes { raw -> Bool in
                let chunk = UnsafeRawBufferPointer(rebasing: raw[0..<count])
                var start = 0
                while let newline = Self.newline(in: chunk, from: start) {
                    number += 1
                    let piece = UnsafeRawBufferPointer(rebasing: chunk[start..<newline])
                    let delivered: Bool
                    if carry.isEmpty && !carryTruncated {
                        delivered = try body(Line(bytes: piece, number: number, isTruncated: false))
                    } else {
                        append(piece, to: &carry, truncated: &carryTruncated)
                        delivered = try carry.withUnsafeBytes { try body(Line(bytes: $0, number: number, isTruncated: carryTruncated)) }
                        carry.removeAll(keepingCapacity: carry.count <= chunkBytes)
                        carryTruncated = false
                    }
                    if !delivered { return false }
                    start = newline + 1
                }
                append(UnsafeRawBufferPointer(rebasing: chunk[start...]), to: &carry, truncated: &carryTruncated)
                return true
            }
            if !keepGoing { return number }
        }
        if !carry.isEmpty || carryTruncated {
            number += 1
            _ = try carry.withUnsafeBytes { try body(Line(bytes: $0, number: number, isTruncated: carryTruncated)) }
        }
        return number
    }

    /// The index of the next `\n` at or after `start` (glibc's vectorised memchr).
    private static func newline(in chunk: UnsafeRawBufferPointer, from start: Int) -> Int? {
        guard let base = chunk.baseAddress, start < chunk.count,
            let found = memchr(base + start, 10, chunk.count - start)
        else { return nil }
        return base.distance(to: UnsafeRawPointer(found))
    }

    private func append(_ piece: UnsafeRawBufferPointer, to carry: inout [UInt8], truncated: inout Bool) {
        let room = hardLimitBytes - carry.count
        if piece.count > room {
            truncated = true
            carry.append(contentsOf: piece.prefix(max(0, room)))
        } else {
            carry.append(contentsOf: piece)
        }
    }
}
