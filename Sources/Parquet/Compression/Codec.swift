/// A page compression codec (parquet-format Compression.md). Pages are compressed one at a
/// time; one value of a conforming type serves a whole column chunk.
protocol Codec {
    /// The codec's id in the footer.
    var id: CompressionCodec { get }

    /// Appends the compressed form of `input` to `out`.
    func compress(_ input: UnsafeRawBufferPointer, into out: ByteBuffer) throws

    /// Decompresses `input` into `out`, which is exactly the page's uncompressed size; throws
    /// unless the data decompresses to exactly that many bytes.
    func decompress(_ input: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) throws
}

/// The codec for a footer codec id, or `unsupported` for codecs this module does not carry.
func makeCodec(_ id: CompressionCodec) throws -> any Codec {
    switch id {
    case .snappy: return SnappyCodec()
    case .uncompressed: return UncompressedCodec()
    default: throw ParquetError(.unsupported, "compression codec \(id) is not supported (SNAPPY and UNCOMPRESSED are)")
    }
}

/// UNCOMPRESSED: the bytes as they are.
struct UncompressedCodec: Codec {
    var id: CompressionCodec { .uncompressed }

    func compress(_ input: UnsafeRawBufferPointer, into out: ByteBuffer) throws {
        out.append(input)
    }

    func decompress(_ input: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) throws {
        guard input.count == out.count else {
            throw ParquetError.corrupt("uncompressed page holds \(input.count) bytes, its header says \(out.count)")
        }
        if let source = input.baseAddress, let target = out.baseAddress {
            target.copyMemory(from: source, byteCount: input.count)
        }
    }
}
