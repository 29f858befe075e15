/// The memory one read may take for decoded data (`ReaderOptions.maxDecodedBytes`), shared by
/// every column of the read.
///
/// Encodings expand without bound (one RLE run of a dictionary index can name an entry
/// 2^31 times in a few bytes), so the file's size bounds nothing; instead every array the
/// decoders build (values, byte-array offsets, validity, definition levels, dictionary
/// indices, decompressed pages, the final typed copy) is charged here *before* it is
/// allocated, and temporaries are released when they are freed. A read that would pass the
/// limit fails with `limitExceeded` instead of allocating.
final class DecodeBudget {
    /// Most bytes the read may hold at once.
    let limit: Int
    /// Bytes charged and not yet released.
    private(set) var used = 0

    /// A budget of `limit` bytes.
    init(limit: Int) {
        self.limit = limit
    }

    /// Charges `bytes` (an allocation about to be made), or throws `limitExceeded`.
    func charge(_ bytes: Int) throws {
        guard bytes >= 0, bytes <= limit - used else { throw exceeded() }
        used += bytes
    }

    private func exceeded() -> ParquetError {
        ParquetError(
            .limitExceeded,
            "decoding needs more than \(limit) bytes of memory (ReaderOptions.maxDecodedBytes): the file is corrupt, or its row groups are larger than this reader allows"
        )
    }

    /// Returns `bytes` charged earlier (the allocation was freed).
    func release(_ bytes: Int) {
        used -= bytes
    }

    /// Runs `body` with `bytes` charged for a temporary it allocates and frees.
    func withTemporary<R>(_ bytes: Int, _ body: () throws -> R) throws -> R {
        try charge(bytes)
        defer { release(bytes) }
        return try body()
    }

    /// Makes room in `array` for `more` elements, charging any growth of its capacity first.
    /// Capacity doubles, as `Array` would grow it, but never past what the budget has left (one
    /// last growth to all of it, so appends near the limit do not reallocate each time).
    /// `charged` is what this array has been charged so far, in bytes.
    func grow<T>(_ array: inout [T], by more: Int, charged: inout Int) throws {
        let stride = MemoryLayout<T>.stride
        guard more >= 0, more <= limit / stride - array.count else { throw exceeded() }
        let needed = array.count + more
        guard needed > array.capacity else { return }
        let affordable = (limit - used + charged) / stride
        guard needed <= affordable else { throw exceeded() }
        let target = min(max(needed, 2 * array.capacity), affordable)
        try charge(target * stride - charged)
        charged = target * stride
        array.reserveCapacity(target)
    }
}
