import Dispatch
import Synchronization

/// Runs one step (append a slice, finish a chunk) for every column of a file, on up to
/// `WriterProperties.encodingThreads` lanes at once.
///
/// The column chunks of a row group are independent (parquet-format README, "File format": a
/// chunk is contiguous and holds one column's pages), and each column writer keeps its own
/// dictionary, statistics and finished pages, so running columns on different threads changes
/// no byte: the file writer still writes the chunks in column order from one thread. What
/// lanes share is only read (the batch's columns, the stateless codec); what they write is their
/// own: a lane points each column it runs at its own `PageScratch`, the one buffer columns
/// share, before running it.
///
/// Columns are handed out one at a time from an atomic counter, so a wide string column does
/// not hold back the columns behind it; which lane runs which column does not matter to the
/// output. With one lane (or one column) everything runs on the caller's thread, as before.
///
/// Memory: each lane holds one `PageScratch` (a page body and its compressed form, about twice
/// `dataPageSize` once grown); the row group's pages are the columns' own whatever the number
/// of lanes, so `encodingThreads` lanes add `encodingThreads - 1` scratches to one writer.
final class ColumnLanes {
    /// One scratch per lane; lane 0 runs on the caller's thread.
    let scratches: [PageScratch]

    /// Lanes for a file of `columns` columns: `threads` of them, never more than the columns.
    init(threads: Int, columns: Int) {
        scratches = (0..<max(1, min(threads, columns))).map { _ in PageScratch() }
    }

    /// Calls `step` for every column index in `0..<columns.count`, `columns[index]` pointed at
    /// the running lane's scratch, and returns once every call has returned. When calls throw,
    /// the error of the lowest column index is rethrown (the one a single lane meets first).
    func forEach(_ columns: [ColumnWriter], _ step: (Int, ColumnWriter) throws -> Void) throws {
        if scratches.count == 1 {
            for (index, column) in columns.enumerated() {
                column.builder.scratch = scratches[0]
                try step(index, column)
            }
            return
        }
        let failures = UnsafeMutableBufferPointer<(any Error)?>.allocate(capacity: columns.count)
        failures.initialize(repeating: nil)
        defer { failures.deinitialize().deallocate() }
        withoutActuallyEscaping(step) { step in
            let run = LaneRun(scratches: scratches, columns: columns, step: step, failures: failures)
            DispatchQueue.concurrentPerform(iterations: scratches.count) { lane in run.drain(lane: lane) }
        }
        if let failure = failures.lazy.compactMap({ $0 }).first { throw failure }
    }
}

/// One `ColumnLanes.forEach` call shared by its lanes.
///
/// `@unchecked Sendable` because the lanes share non-Sendable column writers, safely: `next`
/// hands each column index to exactly one lane, a lane touches only that column's writer and
/// `failures` slot, and everything else it reads is not written during the call;
/// `concurrentPerform` returns only after every lane has finished, which orders the lanes'
/// writes before the caller's reads.
private final class LaneRun: @unchecked Sendable {
    let scratches: [PageScratch]
    let columns: [ColumnWriter]
    let step: (Int, ColumnWriter) throws -> Void
    let failures: UnsafeMutableBufferPointer<(any Error)?>
    let next = Atomic<Int>(0)

    init(
        scratches: [PageScratch], columns: [ColumnWriter], step: @escaping (Int, ColumnWriter) throws -> Void,
        failures: UnsafeMutableBufferPointer<(any Error)?>
    ) {
        self.scratches = scratches
        self.columns = columns
        self.step = step
        self.failures = failures
    }

    /// Runs columns on lane `lane` until none is left.
    func drain(lane: Int) {
        let scratch = scratches[lane]
        while true {
            let index = next.add(1, ordering: .relaxed).oldValue
            guard index < columns.count else { return }
            let column = columns[index]
            column.builder.scratch = scratch
            do { try step(index, column) } catch { failures[index] = error }
        }
    }
}
