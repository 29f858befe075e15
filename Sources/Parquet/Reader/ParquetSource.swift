#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Random access to a Parquet file's bytes, for `ParquetReader`. The reader asks only for
/// ranges it has checked against `size`: the footer, then one column chunk at a time.
public protocol ParquetSource: AnyObject {
    /// The file's size in bytes.
    var size: Int { get }
    /// Exactly `count` bytes from `offset`, or an error (`sourceFailed`).
    func read(offset: Int, count: Int) throws -> [UInt8]
    /// The `count` bytes from `offset` as `range` of `bytes`: a source holding the file in
    /// memory returns its own array (no copy), any other a fresh one (the default, `read`).
    func bytes(offset: Int, count: Int) throws -> (bytes: [UInt8], range: Range<Int>)
}

extension ParquetSource {
    /// A copy made by `read`, at its start.
    public func bytes(offset: Int, count: Int) throws -> (bytes: [UInt8], range: Range<Int>) {
        (try read(offset: offset, count: count), 0..<count)
    }
}

/// A file in memory (tests, or an object fetched whole).
public final class MemorySource: ParquetSource {
    private let bytes: [UInt8]

    /// A source over `bytes`.
    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The file's size in bytes.
    public var size: Int { bytes.count }

    /// A copy of `count` bytes from `offset`, or `sourceFailed` outside the file.
    public func read(offset: Int, count: Int) throws -> [UInt8] {
        guard offset >= 0, count >= 0, offset <= bytes.count - count else {
            throw ParquetError(.sourceFailed, "read of \(count) bytes at \(offset) is outside the \(bytes.count)-byte file")
        }
        return Array(bytes[offset..<offset + count])
    }

    /// The file's own array and the range asked for: a column chunk is decoded where it lies.
    public func bytes(offset: Int, count: Int) throws -> (bytes: [UInt8], range: Range<Int>) {
        guard offset >= 0, count >= 0, offset <= bytes.count - count else {
            throw ParquetError(.sourceFailed, "read of \(count) bytes at \(offset) is outside the \(bytes.count)-byte file")
        }
        return (bytes, offset..<offset + count)
    }
}

/// A local file read with `pread(2)`. Blocking: use it off Swift's cooperative pool.
public final class FileSource: ParquetSource {
    private let descriptor: Int32
    /// The file's path.
    public let path: String
    /// The file's size in bytes, when it was opened.
    public let size: Int

    /// Opens `path` for reading.
    public init(path: String) throws {
        self.path = path
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw ParquetError(.sourceFailed, "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let message = String(cString: strerror(errno))
            _ = close(descriptor)
            throw ParquetError(.sourceFailed, "cannot stat \(path): \(message)")
        }
        size = Int(info.st_size)
    }

    deinit { _ = close(descriptor) }

    /// `count` bytes from `offset` with `pread(2)`, or `sourceFailed`.
    public func read(offset: Int, count: Int) throws -> [UInt8] {
        guard offset >= 0, count >= 0, offset <= size - count else {
            throw ParquetError(.sourceFailed, "read of \(count) bytes at \(offset) is outside the \(size)-byte file \(path)")
        }
        return try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var done = 0
            while done < count {
                let got = pread(descriptor, buffer.baseAddress.unsafelyUnwrapped + done, count - done, off_t(offset + done))
                if got < 0 && errno == EINTR { continue }
                guard got > 0 else {
                    initialized = done
                    let reason = got == 0 ? "the file ended early" : String(cString: strerror(errno))
                    throw ParquetError(.sourceFailed, "cannot read \(path) at \(offset + done): \(reason)")
                }
                done += got
            }
            initialized = count
        }
    }
}
