import Foundation
import Logging
import MillraceTesting
import Parquet
@testable import Runtime
import Testing

/// The default of `pipeline.threads`, from the kernel's own formats: cgroup v2 `cpu.max`
/// (Linux Documentation/admin-guide/cgroup-v2.rst, "CPU Interface Files": "$MAX $PERIOD",
/// "max" for no limit, default "max 100000"), cgroup v1 `cpu.cfs_quota_us` / `cpu.cfs_period_us`
/// (Documentation/scheduler/sched-bwc.rst: a quota of -1 is no limit, the period defaults to
/// 100000) and `/proc/<pid>/status`'s `Cpus_allowed` mask (Documentation/filesystems/proc.rst).
@Suite("CPU quota and available cores")
struct CPUQuotaTests {
    @Test("cgroup v2 cpu.max: no limit, whole cores, a fraction rounded up, capped by the processors")
    func cgroupV2() throws {
        let unlimited = try #require(CPUQuota.cgroupV2(cpuMax: "max 100000\n"))
        #expect(unlimited.quotaMicros == nil && unlimited.periodMicros == 100_000)
        #expect(unlimited.cores(processors: 8) == 8)
        #expect(try #require(CPUQuota.cgroupV2(cpuMax: "200000 100000\n")).cores(processors: 8) == 2)
        #expect(try #require(CPUQuota.cgroupV2(cpuMax: "150000 100000")).cores(processors: 8) == 2)
        #expect(try #require(CPUQuota.cgroupV2(cpuMax: "50000 100000\n")).cores(processors: 8) == 1)
        #expect(try #require(CPUQuota.cgroupV2(cpuMax: "400000 100000\n")).cores(processors: 2) == 2)
        #expect(try #require(CPUQuota.cgroupV2(cpuMax: "1000 1000\n")).cores(processors: 4) == 1)
        for text in ["", "max", "100000", "max max", "-1 100000", "200000 0", "abc 100000", "1 2 3"] {
            #expect(CPUQuota.cgroupV2(cpuMax: text) == nil, "\(text)")
        }
    }

    @Test("cgroup v1 cfs quota and period: -1 is no limit")
    func cgroupV1() throws {
        #expect(try #require(CPUQuota.cgroupV1(quota: "-1\n", period: "100000\n")).cores(processors: 2) == 2)
        #expect(try #require(CPUQuota.cgroupV1(quota: "300000\n", period: "100000\n")).cores(processors: 16) == 3)
        #expect(try #require(CPUQuota.cgroupV1(quota: "25000\n", period: "50000\n")).cores(processors: 16) == 1)
        #expect(CPUQuota.cgroupV1(quota: "", period: "100000") == nil)
        #expect(CPUQuota.cgroupV1(quota: "100000", period: "0") == nil)
    }

    @Test("the Cpus_allowed mask of /proc/<pid>/status counts the processors the process may use")
    func cpusAllowed() throws {
        #expect(CPUQuota.allowedProcessors(procStatus: "Name:\tmillrace\nCpus_allowed:\t3\nCpus_allowed_list:\t0-1\n") == 2)
        #expect(CPUQuota.allowedProcessors(procStatus: "Cpus_allowed:\t1\n") == 1)
        #expect(CPUQuota.allowedProcessors(procStatus: "Cpus_allowed:\tffffffff,ffffffff\n") == 64)
        #expect(CPUQuota.allowedProcessors(procStatus: "Cpus_allowed:\t00000000,00000010\n") == 1)
        #expect(CPUQuota.allowedProcessors(procStatus: "Name:\tx\n") == nil)
        #expect(CPUQuota.allowedProcessors(procStatus: "Cpus_allowed:\txyz\n") == nil)
        // This process's own file, as the kernel writes it.
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let allowed = try #require(CPUQuota.allowedProcessors(procStatus: status))
        #expect(allowed >= 1)
        #expect((1...allowed).contains(AvailableCores.current()))
    }

    @Test("pipeline.threads 0 takes the available cores; the encoding threads stop at the lanes' memory share")
    func threads() {
        var settings = PipelineSettings()
        #expect(settings.threads == 0)
        #expect(settings.threads(availableCores: 2) == 2)
        #expect(settings.threads(availableCores: 0) == 1)
        settings.threads = 3
        #expect(settings.threads(availableCores: 16) == 3)
        #expect(WorkerAssembly.encodingThreads(threads: 2, pageBytes: 1 << 20) == 2)
        #expect(WorkerAssembly.encodingThreads(threads: 64, pageBytes: 1 << 20) == 7)
        // Every lane past the first within the share: (7 - 1) × 7/3 MiB ≤ 16 MiB.
        #expect((WorkerAssembly.encodingThreads(threads: 64, pageBytes: 1 << 20) - 1) * (7 << 20) / 3 <= WorkerAssembly.laneScratchBytes)
        #expect(WorkerAssembly.encodingThreads(threads: 1, pageBytes: 1 << 20) == 1)
    }

    @Test("the staged files' writer, shared by the worker, replay and backfill, encodes on pipeline.threads threads")
    func stagedFileThreads() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        for (yaml, expected) in [("pipeline:\n  threads: 3\n", 3), ("pipeline:\n  threads: 1\n", 1), ("", AvailableCores.current())] {
            var configuration = try ConfigurationLoader.parse(yaml, source: "c.yaml", environment: [:])
            configuration.schemas.dir = PackagePaths.schemas.path
            var options = WorkerOptions()
            options.dryRun = true
            options.outputDirectory = folder.url.path
            let assembly = try WorkerAssembly(
                configuration: configuration, options: options,
                telemetry: Telemetry(logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })))
            #expect(assembly.stagedFileProperties().encodingThreads == expected, "\(yaml)")
        }
    }
}
