import Foundation

/// A fixed set of threads that run blocking jobs (libcurl transfers, file reads) off Swift's
/// cooperative pool. Jobs run in submission order, one per thread at a time.
final class WorkerPool: @unchecked Sendable {
    // NSCondition guards `jobs` and `stopped`; threads wait on it for work.
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var head = 0
    private var stopped = false

    /// Starts `threads` threads named `name-N`.
    init(threads: Int, name: String) {
        for index in 0..<max(1, threads) {
            let thread = Thread { [self] in workLoop() }
            thread.name = "\(name)-\(index)"
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    /// Queues `job`. After `shutdown` the job runs on a temporary thread instead, so no
    /// caller waits forever.
    func submit(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        if stopped {
            condition.unlock()
            Thread { job() }.start()
            return
        }
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Runs `work` on a pool thread and suspends the calling task until it finishes. The work
    /// is not interrupted if the task is cancelled.
    func run<Value: Sendable>(_ work: @escaping @Sendable () throws(AWSError) -> Value) async throws(AWSError) -> Value {
        let result: Result<Value, AWSError> = await withCheckedContinuation { continuation in
            submit { continuation.resume(returning: Result { () throws(AWSError) in try work() }) }
        }
        return try result.get()
    }

    /// Lets the threads finish the queued jobs and exit.
    func shutdown() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    private func workLoop() {
        while true {
            condition.lock()
            while head == jobs.count && !stopped { condition.wait() }
            if head == jobs.count {
                condition.unlock()
                return
            }
            let job = jobs[head]
            head += 1
            if head > 1024 && head * 2 > jobs.count {
                jobs.removeFirst(head)
                head = 0
            }
            condition.unlock()
            job()
        }
    }
}
