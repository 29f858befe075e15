import Foundation

/// Standard input and output for the `schemas`, `decode` and `loadgen` commands.
enum CDCCommandIO {
    /// Writes a line to standard error (diagnostics stay off standard output, which carries data).
    static func printError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Reads a file handle line by line as raw bytes (no UTF-8 repair: a broken record must
    /// reach the decoder as it is), in 1 MiB chunks.
    struct LineReader {
        private let handle: FileHandle
        private var buffer: [UInt8] = []
        private var start = 0
        private var finished = false

        init(_ handle: FileHandle) {
            self.handle = handle
        }

        /// The next line without its `\n` (and a `\r` before it), or nil at the end.
        mutating func next() -> [UInt8]? {
            while true {
                if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                    var end = newline
                    if end > start && buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                    let line = Array(buffer[start..<end])
                    start = newline + 1
                    return line
                }
                if finished {
                    guard start < buffer.count else { return nil }
                    let line = Array(buffer[start...])
                    start = buffer.count
                    return line
                }
                buffer.removeFirst(start)
                start = 0
                let chunk = handle.readData(ofLength: 1 << 20)
                if chunk.isEmpty { finished = true } else { buffer.append(contentsOf: chunk) }
            }
        }
    }

    /// Buffers standard output and writes it in 64 KiB chunks.
    struct OutputBuffer {
        private var bytes: [UInt8] = []

        mutating func write(_ line: [UInt8]) {
            bytes.append(contentsOf: line)
            bytes.append(UInt8(ascii: "\n"))
            if bytes.count >= 1 << 16 { flush() }
        }

        mutating func flush() {
            guard !bytes.isEmpty else { return }
            FileHandle.standardOutput.write(Data(bytes))
            bytes.removeAll(keepingCapacity: true)
        }
    }
}
