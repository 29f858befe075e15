public import Staging
public import Warehouse

/// What one load cycle did, for logs, metrics and `millrace load`'s output.
public struct CycleReport: Sendable {
    /// One table's committed load.
    public struct TableLoad: Sendable, Hashable {
        /// The target table.
        public var table: String
        /// Batches loaded.
        public var batches: Int
        /// Staged files copied.
        public var files: Int
        /// Staged rows copied (the merge may keep fewer: newer rows win, deletes remove).
        public var rows: Int
        /// Staged bytes copied.
        public var bytes: Int64
        /// How long the load took (schema sync, copy, merge, commit).
        public var duration: Duration

        /// A load with every figure given.
        public init(table: String, batches: Int, files: Int, rows: Int, bytes: Int64, duration: Duration) {
            self.table = table
            self.batches = batches
            self.files = files
            self.rows = rows
            self.bytes = bytes
            self.duration = duration
        }
    }

    /// A (batch, table) pair the loader refused to load, with the warehouse's reason.
    public struct Quarantine: Sendable, Hashable {
        /// The batch.
        public var batch: String
        /// The target table.
        public var table: String
        /// Why its load failed.
        public var error: String

        /// A quarantined pair and its reason.
        public init(batch: String, table: String, error: String) {
            self.batch = batch
            self.table = table
            self.error = error
        }
    }

    /// A table's "data as of".
    public struct Freshness: Sendable, Hashable {
        /// The target table.
        public var table: String
        /// The low watermark's text as the warehouse prints it; nil before the first load.
        public var dataAsOf: String?
        /// True while a quarantined batch holds it back.
        public var frozen: Bool
        /// `dataAsOf` in seconds since the epoch.
        public var epochSeconds: Double?

        /// A table's freshness as read back.
        public init(table: String, dataAsOf: String?, frozen: Bool, epochSeconds: Double?) {
            self.table = table
            self.dataAsOf = dataAsOf
            self.frozen = frozen
            self.epochSeconds = epochSeconds
        }
    }

    /// Whether this loader held the lease.
    public var lease: LeaseState
    /// The loads committed, in order.
    public var loads: [TableLoad] = []
    /// Pairs quarantined by this cycle.
    public var quarantined: [Quarantine] = []
    /// Every quarantined pair in the ledger after the cycle.
    public var quarantinedTotal = 0
    /// (batch, table) pairs left for the next cycle by the limits: the loader is behind.
    public var waiting = 0
    /// Each table's "data as of" after the cycle.
    public var freshness: [Freshness] = []
    /// The oldest committed batch not loaded into every table it touches after the cycle
    /// (deferred, quarantined or left by a stop); nil when everything is loaded. Its staged
    /// files expire with the staging lifecycle rule, loaded or not.
    public var oldestUnloaded: BatchID?
    /// How long the cycle took.
    public var duration: Duration = .zero

    /// True when a limit left work for the next cycle, which should then start at once.
    public var isBehind: Bool { waiting > 0 }

    /// True when this loader held the lease and loaded what it found.
    public var heldLease: Bool {
        if case .held = lease { return true }
        return false
    }

    /// An empty report under `lease`.
    public init(lease: LeaseState) {
        self.lease = lease
    }
}
