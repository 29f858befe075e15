import Foundation

/// The cores this process may use, read once at start-up: the cgroup CPU quota where one is
/// set (v2 `cpu.max`, else v1 `cpu.cfs_quota_us` / `cpu.cfs_period_us`), else the processors
/// it may run on (the online processors, fewer when its affinity mask is narrower, as under
/// `taskset`). The default of `pipeline.threads`.
public enum AvailableCores {
    /// The cores available now.
    public static func current() -> Int {
        quota().cores(processors: processors())
    }

    /// The cgroup's quota, or none when no file says one.
    static func quota() -> CPUQuota {
        func read(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }
        // Inside a container the cgroup namespace puts the container's own group at the root.
        if let text = read("/sys/fs/cgroup/cpu.max"), let quota = CPUQuota.cgroupV2(cpuMax: text) { return quota }
        for folder in ["/sys/fs/cgroup/cpu", "/sys/fs/cgroup/cpu,cpuacct"] {
            if let quota = read("\(folder)/cpu.cfs_quota_us"), let period = read("\(folder)/cpu.cfs_period_us"),
                let parsed = CPUQuota.cgroupV1(quota: quota, period: period)
            {
                return parsed
            }
        }
        return CPUQuota(quotaMicros: nil, periodMicros: 100_000)
    }

    /// Online processors, or fewer when the affinity mask allows fewer.
    static func processors() -> Int {
        let online = max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let allowed = CPUQuota.allowedProcessors(procStatus: status)
        else { return online }
        return max(1, min(online, allowed))
    }
}
