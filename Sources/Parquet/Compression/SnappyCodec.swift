import CSnappy

/// SNAPPY through libsnappy's C API, in the raw block format (no framing) that
/// parquet-format Compression.md prescribes.
struct SnappyCodec: Codec {
    var id: CompressionCodec { .snappy }

    func compress(_ input: UnsafeRawBufferPointer, into out: ByteBuffer) throws {
        let bound = snappy_max_compressed_length(input.count)
        out.reserve(bound)
        var length = bound
        var empty: CChar = 0
        let status = withUnsafePointer(to: &empty) { emptyInput in
            snappy_compress(
                input.baseAddress?.assumingMemoryBound(to: CChar.self) ?? emptyInput, input.count,
                out.end.assumingMemoryBound(to: CChar.self), &length
            )
        }
        guard status == SNAPPY_OK else {
            throw ParquetError(.compressionFailed, "snappy_compress failed with status \(status.rawValue)")
        }
        out.count += length
    }

    func decompress(_ input: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) throws {
        // The page header's size is already checked against the reader's limits; the stream's
        // own length must agree before libsnappy writes anything.
        guard let source = input.baseAddress?.assumingMemoryBound(to: CChar.self) else {
            guard out.isEmpty else { throw ParquetError.corrupt("empty snappy page, its header says \(out.count) bytes") }
            return
        }
        var declared = 0
        guard snappy_uncompressed_length(source, input.count, &declared) == SNAPPY_OK, declared == out.count else {
            throw ParquetError.corrupt("snappy page decompresses to \(declared) bytes, its header says \(out.count)")
        }
        guard let target = out.baseAddress?.assumingMemoryBound(to: CChar.self) else { return }
        var length = out.count
        guard snappy_uncompress(source, input.count, target, &length) == SNAPPY_OK, length == out.count else {
            throw ParquetError.corrupt("snappy page does not decompress")
        }
    }
}
