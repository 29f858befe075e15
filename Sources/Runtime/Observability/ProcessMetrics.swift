import Foundation

/// The standard `process_*` metrics, read from Linux's `/proc` at each scrape, as every
/// Prometheus client library exports them (client_golang's process collector reads the same
/// fields): resident and virtual memory, CPU seconds, start time, open and maximum descriptors.
///
/// Rendered as text after the registry's exposition rather than through it: CPU seconds is a
/// counter the kernel keeps, which a registry counter (increment only) cannot be set to.
struct ProcessMetrics: Equatable {
    var residentBytes: Double
    var virtualBytes: Double
    var cpuSeconds: Double
    var startTimeSeconds: Double
    var openFDs: Double
    var maxFDs: Double

    /// The current process's figures; nil where `/proc` is not there (not Linux).
    static func current() -> ProcessMetrics? {
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
            let system = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
            let bootTime = bootTime(system)
        else { return nil }
        let openFDs = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? 0
        var limit = rlimit()
        let maxFDs = getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 ? Double(limit.rlim_cur) : 0
        return parse(stat: stat, bootTime: bootTime, ticksPerSecond: Double(sysconf(Int32(_SC_CLK_TCK))),
            pageSize: Double(sysconf(Int32(_SC_PAGESIZE))), openFDs: Double(openFDs), maxFDs: maxFDs)
    }

    /// The figures from the text of `/proc/self/stat` (proc(5): the command name is in
    /// parentheses and may hold spaces, so fields are counted after its closing parenthesis;
    /// utime is field 14, stime 15, starttime 22 in clock ticks since boot, vsize 23 in bytes,
    /// rss 24 in pages).
    static func parse(stat: String, bootTime: Double, ticksPerSecond: Double, pageSize: Double, openFDs: Double, maxFDs: Double)
        -> ProcessMetrics?
    {
        guard let close = stat.lastIndex(of: ")"), ticksPerSecond > 0 else { return nil }
        // After ")": field 3 (state) is the first.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        func field(_ number: Int) -> Double? {
            let index = number - 3
            return fields.indices.contains(index) ? Double(fields[index]) : nil
        }
        guard let utime = field(14), let stime = field(15), let start = field(22), let vsize = field(23), let rss = field(24) else {
            return nil
        }
        return ProcessMetrics(
            residentBytes: rss * pageSize, virtualBytes: vsize, cpuSeconds: (utime + stime) / ticksPerSecond,
            startTimeSeconds: bootTime + start / ticksPerSecond, openFDs: openFDs, maxFDs: maxFDs)
    }

    /// `btime` of `/proc/stat`: when the system booted (Unix time, seconds).
    static func bootTime(_ text: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix("btime ") }.flatMap { Double($0.dropFirst(6)) }
    }

    /// The Prometheus text exposition of the figures, `# HELP` and `# TYPE` lines included.
    func exposition() -> String {
        let values: [(MetricName, Double)] = [
            (.residentMemory, residentBytes), (.virtualMemory, virtualBytes), (.cpuSeconds, cpuSeconds),
            (.startTime, startTimeSeconds), (.openFDs, openFDs), (.maxFDs, maxFDs),
        ]
        return values.map { metric, value in
            let descriptor = metric.descriptor
            return "# HELP \(metric.name) \(descriptor.help)\n# TYPE \(metric.name) \(descriptor.kind.rawValue)\n\(metric.name) \(value)\n"
        }.joined()
    }
}
