import CMalloc

/// Process-wide allocator settings for bounded memory.
enum MemoryTuning {
    /// Allocations of 1 MiB and more (column arrays, page buffers) get their own mapping and
    /// go back to the system when freed. Without it glibc keeps each flushed batch's buffers
    /// and peak RSS climbs with the number of batches (measured: 235 MB → 140 MB on the
    /// transform benchmark, at the same speed). Called once, before the first batch.
    static func mapLargeAllocations() {
        _ = millrace_map_large_allocations(1 << 20)
    }
}
