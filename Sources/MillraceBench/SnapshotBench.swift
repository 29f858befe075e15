import ArgumentParser
import CDC
import CMalloc
import Catalog
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `millrace-bench snapshot`: reads a snapshot dimension file (CSV, NDJSON or Parquet) into
/// typed columns with `SnapshotReader` on one thread and prints one JSON line of figures.
///
/// The timed section starts before the file is read, as the worker does it (the whole file
/// into one array, then `SnapshotReader.read`), so that it covers what the peer's covers: the
/// peer reads the same file, already in the page cache, inside its timed statement. `seconds`
/// is the whole section, `read_seconds` its file read; `cpu_seconds` is the process's user +
/// system time over the section. Large allocations are mapped as the worker maps them.
struct SnapshotBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot", abstract: "Read a snapshot file into typed columns and report rows/s."
    )

    @Option(help: "The snapshot file.") var input: String
    @Option(help: "csv, ndjson or parquet; empty means from the extension.") var format: String = ""
    @Option(help: "The snapshot table.") var table: String = "dim_attributes"
    @Option(help: "The registry folder.") var schemas: String = "Schemas"

    /// The file's bytes, read straight into one array (no second copy to count in the RSS).
    private static func contents(of path: String) throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw ValidationError("cannot open \(path)") }
        defer { _ = close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw ValidationError("cannot stat \(path)") }
        let size = Int(info.st_size)
        return try [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            count = 0
            while count < size {
                let got = read(descriptor, buffer.baseAddress.map { $0 + count }, size - count)
                guard got > 0 else { throw ValidationError("cannot read \(path)") }
                count += got
            }
        }
    }

    /// User + system CPU seconds of this process so far.
    private static func cpuSeconds() -> Double {
        var usage = rusage()
        #if canImport(Glibc)
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    func run() throws {
        // As the worker does (Runtime's MemoryTuning): allocations of 1 MiB and more get their own
        // mapping, so that the figures include the page faults the worker's reads take.
        _ = millrace_map_large_allocations(1 << 20)
        let catalog = try Catalog.load(directory: schemas)
        guard let definition = catalog.table(table)?.current else { throw ValidationError("\(table) is not in \(schemas)") }
        let snapshotFormat = try SnapshotFormat(named: format, orPath: input)
        let cpu = Self.cpuSeconds()
        let start = DispatchTime.now().uptimeNanoseconds
        let bytes = try Self.contents(of: input)
        let read = DispatchTime.now().uptimeNanoseconds
        let rows = try SnapshotReader.read(bytes, format: snapshotFormat, definition: definition)
        let end = DispatchTime.now().uptimeNanoseconds
        let cpuUsed = Self.cpuSeconds() - cpu
        let seconds = Double(end - start) / 1e9
        print(
            "{\"rows\":\(rows.rowCount),\"rejected\":\(rows.rejectedCount),\"bytes\":\(bytes.count),\"seconds\":\(seconds),"
                + "\"read_seconds\":\(Double(read - start) / 1e9),\"cpu_seconds\":\(cpuUsed),"
                + "\"rows_per_second\":\(Double(rows.rowCount) / seconds)}"
        )
    }
}
