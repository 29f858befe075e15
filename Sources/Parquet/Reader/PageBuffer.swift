/// The memory a column chunk's pages are decompressed into, reused from page to page: one
/// allocation per chunk (grown when a page is larger) instead of one per page. Large
/// allocations get their own mapping in the worker (`MemoryTuning`), so a fresh buffer per
/// page would take the page faults of a whole page each time.
///
/// Charged to the read's `DecodeBudget` at its size while it holds memory; freed, and the
/// charge returned, when the decoder that owns it is done.
final class PageBuffer {
    private let budget: DecodeBudget
    private var memory = UnsafeMutableRawBufferPointer(start: nil, count: 0)

    /// An empty buffer charging `budget`.
    init(budget: DecodeBudget) {
        self.budget = budget
    }

    deinit { free() }

    /// Runs `body` over `size` bytes that `fill` has written (the whole of them), growing the
    /// buffer first when it is smaller.
    func withBytes(_ size: Int, fill: (UnsafeMutableRawBufferPointer) throws -> Void, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        if memory.count < size {
            free()
            try budget.charge(size)
            memory = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
        }
        let page = UnsafeMutableRawBufferPointer(rebasing: memory[0..<size])
        try fill(page)
        try body(UnsafeRawBufferPointer(page))
    }

    /// Frees the memory and returns its charge.
    func free() {
        guard memory.count > 0 else { return }
        memory.deallocate()
        budget.release(memory.count)
        memory = UnsafeMutableRawBufferPointer(start: nil, count: 0)
    }
}
