/// An object being written to a staging store as a stream (a Parquet file, for example).
///
/// Nothing is visible under the key until `finish` succeeds; `abort` discards everything.
public protocol StagedObjectWriter: AnyObject {
    /// Appends bytes.
    func write(_ bytes: UnsafeRawBufferPointer) throws
    /// Makes the object visible and returns its exact size in bytes.
    func finish() throws -> Int64
    /// Discards the object (best effort; never throws).
    func abort()
}

/// An object listed in a staging store.
public struct StagedObject: Sendable, Hashable {
    /// Key relative to the store's root.
    public var key: String
    /// Size in bytes.
    public var size: Int64

    /// An object entry.
    public init(key: String, size: Int64) {
        self.key = key
        self.size = size
    }
}

/// Where batches are staged: S3 in production, a local folder in dry-run and tests.
///
/// Methods block the calling thread (the pipeline's own thread, never the cooperative pool)
/// and retry transient faults internally; an error they throw is final for that call.
public protocol StagingStore: Sendable {
    /// Where the store points, for logs and reports (`s3://bucket/prefix`, `/path`).
    var location: String { get }
    /// Writes `data` under `key`, replacing any object there.
    func put(_ key: String, data: [UInt8]) throws
    /// Writes `data` under `key` only if no object is there, atomically against any other
    /// writer: returns false, writing nothing, when an object already is (whatever it holds).
    /// A retry that finds its own earlier, identical write may also return true.
    func create(_ key: String, data: [UInt8]) throws -> Bool
    /// Starts a streamed object under `key`.
    func openWriter(_ key: String) throws -> any StagedObjectWriter
    /// The object under `key`, or nil if there is none.
    func get(_ key: String) throws -> [UInt8]?
    /// Exactly `count` bytes of the object under `key` from `offset` (reading a large staged file
    /// piece by piece, with bounded memory); throws if the object is missing or shorter.
    func read(_ key: String, offset: Int64, count: Int) throws -> [UInt8]
    /// Objects whose keys start with `prefix`, in key order.
    func list(prefix: String) throws -> [StagedObject]
    /// Deletes the objects (missing keys are not an error).
    func delete(_ keys: [String]) throws
}
