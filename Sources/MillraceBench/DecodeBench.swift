import ArgumentParser
import CDC
import Catalog
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `millrace-bench decode`: decodes a file of message values (one per line, as
/// `millrace loadgen --format values` writes them) into column builders on one thread,
/// taking a batch every `--batch-rows` rows, and prints one JSON line of figures. The decode
/// time excludes reading the file (read in 8 MiB chunks between timed sections).
struct DecodeBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode", abstract: "Decode a values file into column builders and report messages/s."
    )

    @Option(help: "The values file.") var input: String
    @Option(help: "The topic the values come from.") var topic: String = "postgres.eav.entity_values_ts"
    @Option(help: "The registry folder.") var schemas: String = "Schemas"
    @Option(name: .customLong("batch-rows"), help: "Rows per batch taken from the builders.") var batchRows: Int = 65_536

    func run() throws {
        let catalog = try Catalog.load(directory: schemas)
        var settings = DecoderConfiguration()
        settings.initialRowCapacity = batchRows
        let decoder = try ChangeDecoder(catalog: catalog, configuration: settings)
        let route = decoder.route(forTopic: topic)
        guard let table = decoder.table(for: route), let handle = FileHandle(forReadingAtPath: input) else {
            throw ValidationError("cannot read \(input), or \(topic) feeds no table")
        }
        let rowsPerBatch = batchRows
        var messages = 0
        var bytes = 0
        var rows = 0
        var deadLetters = 0
        var decodeNanos: UInt64 = 0
        var carry: [UInt8] = []
        var offset: Int64 = 0
        let wallStart = DispatchTime.now().uptimeNanoseconds
        while true {
            let chunk = handle.readData(ofLength: 8 << 20)
            let finished = chunk.isEmpty
            var data = carry
            data.append(contentsOf: chunk)
            carry = []
            let start = DispatchTime.now().uptimeNanoseconds
            data.withUnsafeBytes { buffer in
                guard let base = buffer.baseAddress else { return }
                var lineStart = 0
                let count = buffer.count
                while lineStart < count, let found = memchr(base + lineStart, 0x0A, count - lineStart) {
                    let index = base.distance(to: UnsafeRawPointer(found))
                    if index > lineStart {
                            let line = UnsafeRawBufferPointer(rebasing: buffer[lineStart..<index])
                            switch decoder.decode(route: route, partition: 0, offset: offset, timestampMs: 0, key: nil, value: line) {
                            case .row: rows += 1
                            case .deadLetter: deadLetters += 1
                            case .heartbeat: break
                            }
                            offset += 1
                            messages += 1
                            bytes += index - lineStart
                        if decoder.bufferedRowCount(table) >= rowsPerBatch { _ = try? decoder.takeBatch(table) }
                    }
                    lineStart = index + 1
                }
                if lineStart < count { carry = Array(buffer[lineStart..<count]) }
            }
            decodeNanos += DispatchTime.now().uptimeNanoseconds - start
            if finished { break }
        }
        _ = try decoder.takeBatch(table)
        let wallSeconds = Double(DispatchTime.now().uptimeNanoseconds - wallStart) / 1e9
        let seconds = Double(decodeNanos) / 1e9
        print(
            "{\"messages\":\(messages),\"rows\":\(rows),\"dead_letters\":\(deadLetters),\"bytes\":\(bytes),"
                + "\"decode_seconds\":\(seconds),\"wall_seconds\":\(wallSeconds),"
                + "\"messages_per_second\":\(Double(messages) / seconds),\"mb_per_second\":\(Double(bytes) / seconds / 1e6)}"
        )
    }
}
