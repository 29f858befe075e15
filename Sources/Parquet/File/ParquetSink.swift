#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a `ParquetWriter` sends the file's bytes, strictly in order. Nothing else is asked of
/// a sink: no seeking, no reading back, so an S3 multipart upload can be one.
///
/// The writer calls `write` once per finished column chunk and for the footer, from the thread
/// that drives the writer. A sink that blocks (a file, a network upload) should be driven off
/// Swift's cooperative pool.
public protocol ParquetSink: AnyObject {
    /// Appends `bytes`. A thrown error fails the writer: the file is incomplete.
    func write(_ bytes: UnsafeRawBufferPointer) throws
}

/// Keeps the file in memory (tests, small files, or an upload done in one request).
public final class MemorySink: ParquetSink {
    /// Everything written so far.
    public private(set) var bytes: [UInt8] = []

    /// An empty sink.
    public init() {}

    /// Appends `bytes` to `bytes`.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        self.bytes.append(contentsOf: bytes)
    }
}

/// Writes to a local file with `write(2)`, creating or truncating it.
///
/// The descriptor is closed by `close()` or when the sink is released. Nothing is synced to
/// disk: callers that need durability rename or fsync as their protocol requires.
public final class FileSink: ParquetSink {
    private var descriptor: Int32
    /// The file's path.
    public let path: String

    /// Creates (or truncates) the file at `path` with mode 0644.
    public init(path: String) throws {
        self.path = path
        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw ParquetError(.sinkFailed, "cannot create \(path): \(String(cString: strerror(errno)))")
        }
    }

    deinit {
        if descriptor >= 0 { _ = posixClose(descriptor) }
    }

    /// Writes all of `bytes`, retrying short writes and EINTR; fails with `sinkFailed`.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard descriptor >= 0 else { throw ParquetError(.sinkFailed, "\(path) is already closed") }
        var offset = 0
        while offset < bytes.count {
            guard let base = bytes.baseAddress else { return }
            let written = posixWrite(descriptor, base + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw ParquetError(.sinkFailed, "cannot write \(path): \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }

    /// Closes the file. Further writes fail.
    public func close() throws {
        guard descriptor >= 0 else { return }
        let result = posixClose(descriptor)
        descriptor = -1
        if result != 0 { throw ParquetError(.sinkFailed, "cannot close \(path): \(String(cString: strerror(errno)))") }
    }
}

// Outside the class, where `write` and `close` name the C functions, not FileSink's methods.
private func posixWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}

private func posixClose(_ descriptor: Int32) -> Int32 {
    close(descriptor)
}
