/// Which rows of a batch a column writer encodes, in order: a contiguous range, or explicit
/// indices (the engine's per-hour split and deduplication, without copying columns).
///
/// Column writers switch on this once per call and hand a concrete `RowIndices` to generic
/// inner loops, which the compiler specializes; the loops never see an existential.
enum RowSelection {
    /// Rows `start ..< start + count`.
    case range(start: Int, count: Int)
    /// Rows `indices[0]`, `indices[1]`, ...; every index already checked to be in range.
    case indices(UnsafeBufferPointer<Int32>)

    /// Number of rows selected.
    var count: Int {
        switch self {
        case .range(_, let count): count
        case .indices(let indices): indices.count
        }
    }

    /// The selected rows `offset ..< offset + count` of this selection.
    func slice(_ offset: Int, _ count: Int) -> RowSelection {
        switch self {
        case .range(let start, _): .range(start: start + offset, count: count)
        case .indices(let indices): .indices(UnsafeBufferPointer(rebasing: indices[offset..<offset + count]))
        }
    }

    /// Calls `body` with these rows as a concrete `RowIndices`, so generic loops specialize.
    func withRows<T>(_ body: (ContiguousRows) throws -> T, _ indexed: (IndexedRows) throws -> T) rethrows -> T {
        switch self {
        case .range(let start, let count): try body(ContiguousRows(start: start, count: count))
        case .indices(let indices): try indexed(IndexedRows(indices: indices))
        }
    }
}

/// Row numbers for the specialized inner loops.
protocol RowIndices {
    /// Number of rows.
    var count: Int { get }
    /// The batch row of the `i`th selected row.
    subscript(_ i: Int) -> Int { get }
    /// The first row when the rows are contiguous (enabling bulk copies), else nil.
    var contiguousStart: Int? { get }
    /// Selected rows `offset ..< offset + count` of these.
    func slice(_ offset: Int, _ count: Int) -> Self
}

/// Contiguous rows.
struct ContiguousRows: RowIndices {
    let start: Int
    let count: Int
    @inline(__always) subscript(_ i: Int) -> Int { start &+ i }
    var contiguousStart: Int? { start }
    func slice(_ offset: Int, _ count: Int) -> ContiguousRows { ContiguousRows(start: start + offset, count: count) }
}

/// Rows given by index.
struct IndexedRows: RowIndices {
    let indices: UnsafeBufferPointer<Int32>
    var count: Int { indices.count }
    @inline(__always) subscript(_ i: Int) -> Int { Int(indices[unchecked: i]) }
    var contiguousStart: Int? { nil }
    func slice(_ offset: Int, _ count: Int) -> IndexedRows {
        IndexedRows(indices: UnsafeBufferPointer(rebasing: indices[offset..<offset + count]))
    }
}

extension UnsafeBufferPointer {
    /// Element `i` without the bounds check of `subscript` (callers guarantee `i < count`).
    @inline(__always) subscript(unchecked i: Int) -> Element {
        // `baseAddress` is non-nil whenever `i < count`.
        baseAddress.unsafelyUnwrapped[i]
    }
}
