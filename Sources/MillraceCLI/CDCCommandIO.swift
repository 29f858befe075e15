import Foundation

/// Standard input and output for the `schemas`, `decode` and `loadgen` commands.
enum CDCCommandIO {
    /// Writes a line to standard error (diagnostics stay off standard output, which carries data).
    static func printError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
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
