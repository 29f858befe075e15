public import Foundation

/// A staging store in a local folder: the dry-run target and the tests' real filesystem.
///
/// Objects appear atomically: each is written to a hidden temporary file in the same folder,
/// flushed to disk, then renamed into place, so a crash never leaves a partial object under its
/// key. Keys are relative paths with `/` separators; `..` and absolute keys are refused.
public struct LocalStagingStore: StagingStore {
    /// The folder holding the objects.
    public let root: URL

    /// A store rooted at `root` (created if missing).
    public init(root: URL) throws(StagingError) {
        self.root = root.standardizedFileURL
        do {
            try FileManager.default.createDirectory(at: self.root, withIntermediateDirectories: true)
        } catch {
            throw StagingError(.store, "cannot create the staging folder \(root.path)", underlying: error)
        }
    }

    /// The root folder's path.
    public var location: String { root.path }

    /// Writes `data` to `key` atomically: a hidden temp file, fsynced, then renamed into place.
    public func put(_ key: String, data: [UInt8]) throws {
        let writer = try openWriter(key)
        do {
            try data.withUnsafeBytes { try writer.write($0) }
            _ = try writer.finish()
        } catch {
            writer.abort()
            throw error
        }
    }

    /// Writes `data` to a hidden temp file (fsynced), then links it to `key`: `link(2)` fails
    /// with `EEXIST` rather than replace a file, so of two processes creating the same key
    /// exactly one succeeds, and the file appears complete.
    /// Creates `folder` and its parents, as a store error when it cannot.
    private static func createFolder(_ folder: URL) throws(StagingError) {
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw StagingError(.store, "cannot create the folder \(folder.path)", underlying: error, isRetriable: true)
        }
    }

    public func create(_ key: String, data: [UInt8]) throws -> Bool {
        let target = try path(key)
        try Self.createFolder(target.deletingLastPathComponent())
        let temporary = target.deletingLastPathComponent()
            .appendingPathComponent(".\(target.lastPathComponent).new-\(UInt64.random(in: 0...UInt64.max))")
        let writer = try LocalObjectWriter(temporary: temporary, target: temporary)
        defer { unlink(temporary.path) }
        do {
            try data.withUnsafeBytes { try writer.write($0) }
            _ = try writer.finish()
        } catch {
            writer.abort()
            throw error
        }
        if link(temporary.path, target.path) == 0 { return true }
        if errno == EEXIST { return false }
        throw StagingError(.store, "cannot create \(target.path): \(String(cString: strerror(errno)))")
    }

    /// Creates the key's parent folders and opens a hidden temp file beside it, renamed onto `key`
    /// on `finish`.
    public func openWriter(_ key: String) throws -> any StagedObjectWriter {
        let target = try path(key)
        try Self.createFolder(target.deletingLastPathComponent())
        let temporary = target.deletingLastPathComponent()
            .appendingPathComponent(".\(target.lastPathComponent).tmp-\(UInt64.random(in: 0...UInt64.max))")
        return try LocalObjectWriter(temporary: temporary, target: target)
    }

    /// Reads the file at `key` whole, or returns nil if no such file exists.
    public func get(_ key: String) throws -> [UInt8]? {
        let file = try path(key)
        guard FileManager.default.fileExists(atPath: file.path) else { return nil }
        do {
            return Array(try Data(contentsOf: file))
        } catch {
            throw StagingError(.store, "cannot read \(file.path)", underlying: error, isRetriable: true)
        }
    }

    /// Reads `count` bytes of the file at `key` from `offset` with `pread(2)`.
    public func read(_ key: String, offset: Int64, count: Int) throws -> [UInt8] {
        let file = try path(key)
        let descriptor = open(file.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw StagingError(.store, "cannot open \(file.path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + done, count - done, off_t(offset) + off_t(done)) }
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else {
                throw StagingError(.store, "cannot read \(count) bytes at \(offset) of \(file.path): "
                    + (got == 0 ? "the file is shorter" : String(cString: strerror(errno))))
            }
            done += got
        }
        return bytes
    }

    /// Walks the root folder for regular files whose keys start with `prefix`, skipping dot-files
    /// (in-flight temp files), sorted by key.
    public func list(prefix: String) throws -> [StagedObject] {
        var objects: [StagedObject] = []
        let rootPath = root.path.hasSuffix("/") ? root.path : root.path + "/"
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.fileSizeKey, .isRegularFileKey])
        else { return [] }
        for case let file as URL in walker {
            let values = try? file.resourceValues(forKeys: [.fileSizeKey, .isRegularFileKey])
            guard values?.isRegularFile == true, !file.lastPathComponent.hasPrefix(".") else { continue }
            let key = String(file.standardizedFileURL.path.dropFirst(rootPath.count))
            if key.hasPrefix(prefix) {
                objects.append(StagedObject(key: key, size: Int64(values?.fileSize ?? 0)))
            }
        }
        return objects.sorted { $0.key < $1.key }
    }

    /// Unlinks each key's file; a file that is already gone is not an error.
    public func delete(_ keys: [String]) throws {
        for key in keys {
            let file = try path(key)
            if unlink(file.path) != 0 && errno != ENOENT {
                throw StagingError(.store, "cannot delete \(file.path): \(String(cString: strerror(errno)))")
            }
        }
    }

    private func path(_ key: String) throws(StagingError) -> URL {
        let components = key.split(separator: "/", omittingEmptySubsequences: false)
        guard !key.isEmpty, !key.hasPrefix("/"), !components.contains(where: { $0 == ".." || $0 == "." || $0.isEmpty })
        else {
            throw StagingError(.invalidKey, "invalid staging key \"\(key)\"")
        }
        return root.appendingPathComponent(key)
    }
}

/// Streams one object to a temporary file and renames it into place on `finish`.
final class LocalObjectWriter: StagedObjectWriter {
    private let temporary: URL
    private let target: URL
    private var descriptor: Int32
    private var size: Int64 = 0

    init(temporary: URL, target: URL) throws(StagingError) {
        self.temporary = temporary
        self.target = target
        descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw StagingError(.store, "cannot create \(temporary.path): \(String(cString: strerror(errno)))")
        }
    }

    deinit {
        abort()
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard descriptor >= 0 else { throw StagingError(.store, "write to \(target.path) after finish or abort") }
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(descriptor, base + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw StagingError(.store, "cannot write \(temporary.path): \(String(cString: strerror(errno)))")
            }
            offset += written
        }
        size += Int64(bytes.count)
    }

    func finish() throws -> Int64 {
        guard descriptor >= 0 else { throw StagingError(.store, "finish of \(target.path) after finish or abort") }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        descriptor = -1
        guard synced, rename(temporary.path, target.path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary.path)
            throw StagingError(.store, "cannot publish \(target.path): \(reason)")
        }
        return size
    }

    func abort() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
        unlink(temporary.path)
    }
}
