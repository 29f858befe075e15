#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SHA-256 of a byte range of an open file, read with `pread` in 1 MiB chunks (bounded memory
/// whatever the range's size).
enum FileDigest {
    static let chunkSize = 1 << 20

    static func sha256(descriptor: Int32, offset: Int64, length: Int64) throws(AWSError) -> [UInt8] {
        let stream = try SHA256Stream()
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { chunk.deallocate() }
        var done: Int64 = 0
        while done < length {
            let want = Int(min(Int64(chunkSize), length - done))
            let got = pread(descriptor, chunk.baseAddress, want, off_t(offset + done))
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else {
                throw AWSError(.io, "reading the file to hash it failed (\(got == 0 ? "unexpected end of file" : String(cString: strerror(errno))))")
            }
            try stream.update(UnsafeRawBufferPointer(rebasing: chunk[0..<got]))
            done += Int64(got)
        }
        return try stream.finish()
    }
}
