/// How many cores the process may use, from what the kernel says about it: the cgroup's CPU
/// bandwidth limit, if one is set, else the processors it may run on. Pure: the files are read
/// by `AvailableCores`.
///
/// A quota of `q` microseconds per period `p` lets the group run `q / p` cores' worth of time;
/// a fraction is rounded up (1.5 cores → 2 threads, as the JDK's container support counts
/// them), never past the processors, and never below 1.
public struct CPUQuota: Sendable, Hashable {
    /// CPU time the group may use per period, in microseconds; nil: no limit.
    public var quotaMicros: Int64?
    /// The period, in microseconds.
    public var periodMicros: Int64

    /// A quota of `quotaMicros` per `periodMicros` (nil: unlimited).
    public init(quotaMicros: Int64?, periodMicros: Int64) {
        self.quotaMicros = quotaMicros
        self.periodMicros = periodMicros
    }

    /// The cgroup v2 `cpu.max` file: `$MAX $PERIOD`, where `$MAX` is `max` for no limit
    /// (Linux Documentation/admin-guide/cgroup-v2.rst, "CPU Interface Files", `cpu.max`; its
    /// default is `max 100000`). Nil when the text is not in that form.
    public static func cgroupV2(cpuMax text: String) -> CPUQuota? {
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard fields.count == 2, let period = Int64(fields[1]), period > 0 else { return nil }
        if fields[0] == "max" { return CPUQuota(quotaMicros: nil, periodMicros: period) }
        guard let quota = Int64(fields[0]), quota > 0 else { return nil }
        return CPUQuota(quotaMicros: quota, periodMicros: period)
    }

    /// The cgroup v1 files `cpu.cfs_quota_us` and `cpu.cfs_period_us`; a quota of -1 means no
    /// limit (Linux Documentation/scheduler/sched-bwc.rst, "Management"). Nil when either is
    /// not a number.
    public static func cgroupV1(quota quotaText: String, period periodText: String) -> CPUQuota? {
        let trimmed = { (text: String) in text.split(whereSeparator: { $0 == " " || $0 == "\n" }).first.map(String.init) ?? "" }
        guard let quota = Int64(trimmed(quotaText)), let period = Int64(trimmed(periodText)), period > 0 else { return nil }
        return CPUQuota(quotaMicros: quota > 0 ? quota : nil, periodMicros: period)
    }

    /// The threads worth running on `processors` processors under this quota: the quota's
    /// cores rounded up, at most `processors`, at least 1.
    public func cores(processors: Int) -> Int {
        let processors = max(1, processors)
        guard let quota = quotaMicros else { return processors }
        let cores = (quota + periodMicros - 1) / periodMicros
        return Int(max(1, min(Int64(processors), cores)))
    }

    /// The processors a `/proc/self/status` text's `Cpus_allowed` mask allows (hexadecimal
    /// words separated by commas; Linux Documentation/filesystems/proc.rst, table 1-2, "Contents
    /// of the status fields"): what `sched_getaffinity` reports, narrowed by `taskset` or a
    /// cpuset. Nil without that line.
    public static func allowedProcessors(procStatus: String) -> Int? {
        for line in procStatus.split(separator: "\n") where line.hasPrefix("Cpus_allowed:") {
            let mask = line.dropFirst("Cpus_allowed:".count)
            var count = 0
            for character in mask where character != "," && character != " " && character != "\t" {
                guard let digit = character.hexDigitValue else { return nil }
                count += digit.nonzeroBitCount
            }
            return count
        }
        return nil
    }
}
