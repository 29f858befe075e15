/// Bounds on reading one snapshot file, so that a huge or hostile file fails clearly instead
/// of exhausting memory.
public struct SnapshotLimits: Sendable, Hashable {
    /// The largest file read, in bytes; a larger one is refused with `limitExceeded` before
    /// any parsing. Default: 268 435 456 (256 MiB).
    public var maxInputBytes: Int = 256 << 20
    /// Rejected rows kept with their text in `SnapshotRows.rejected`; further ones are only
    /// counted (`rejectedCount`). Default: 1 000.
    public var maxRejectionsKept: Int = 1_000
    /// Bytes of a rejected row's text kept in its `SnapshotRejection` (longer text is cut at a
    /// character boundary). Default: 1 024.
    public var maxRejectedTextBytes: Int = 1_024
    /// The deepest nesting of JSON objects and arrays in an NDJSON line (a `json` column's
    /// value), 1...64; deeper lines are rejected as `malformed_json`. Default: 64.
    public var maxNestingDepth: Int = 64

    /// The defaults.
    public init() {}

    /// Throws `invalidConfiguration` when a value is out of range.
    public func validate() throws(CDCError) {
        guard maxInputBytes > 0 else { throw CDCError(.invalidConfiguration, "maxInputBytes must be positive") }
        guard maxRejectionsKept >= 0 else { throw CDCError(.invalidConfiguration, "maxRejectionsKept must not be negative") }
        guard maxRejectedTextBytes >= 0 else { throw CDCError(.invalidConfiguration, "maxRejectedTextBytes must not be negative") }
        guard (1...64).contains(maxNestingDepth) else { throw CDCError(.invalidConfiguration, "maxNestingDepth must be 1...64") }
    }
}
