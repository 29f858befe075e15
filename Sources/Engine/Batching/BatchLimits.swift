/// When an open batch closes: `window` after its first record, or at a size limit (decoded
/// rows and dead letters, or their bytes), whichever comes first. The seed's micro-batch is 30 s;
/// the limits keep a burst within the worker's memory bound.
public struct BatchLimits: Sendable, Hashable {
    /// Time after the first record, in ms.
    public var windowMillis: Int64
    /// Decoded rows plus dead letters.
    public var maxRows: Int
    /// Decoded bytes plus dead-letter bytes.
    public var maxBytes: Int

    /// Limits with every figure given.
    public init(windowMillis: Int64, maxRows: Int, maxBytes: Int) {
        self.windowMillis = windowMillis
        self.maxRows = maxRows
        self.maxBytes = maxBytes
    }

    /// Whether a batch opened at `openedAtMillis` (nil: empty) holding `rows` rows of `bytes`
    /// bytes closes at `nowMillis`.
    public func shouldClose(openedAtMillis: Int64?, nowMillis: Int64, rows: Int, bytes: Int) -> Bool {
        guard let openedAtMillis else { return false }
        return nowMillis - openedAtMillis >= windowMillis || rows >= maxRows || bytes >= maxBytes
    }
}
