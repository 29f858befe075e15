/// A growable, contiguous byte buffer for the encoders and page assembly.
///
/// Arrays would do, but their copy-on-write and bounds checks sit in every inner loop. Hot loops
/// call `reserve(_:)` once, write through `end` with raw stores and then advance `count`.
/// Invariant: `0 <= count <= capacity`, and bytes `0..<count` are initialized.
final class ByteBuffer {
    /// Start of the storage; changes when the buffer grows.
    private(set) var base: UnsafeMutableRawPointer
    /// Bytes allocated.
    private(set) var capacity: Int
    /// Bytes in use.
    var count: Int = 0

    /// An empty buffer with room for `capacity` bytes.
    init(capacity: Int = 1024) {
        self.capacity = max(capacity, 16)
        base = UnsafeMutableRawPointer.allocate(byteCount: self.capacity, alignment: 16)
    }

    deinit { base.deallocate() }

    /// Where the next byte goes. Valid until the next `reserve`.
    @inline(__always) var end: UnsafeMutableRawPointer { base + count }

    /// The bytes in use, valid until the buffer is next mutated.
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    /// Makes room for `additional` more bytes without moving `count`.
    @inline(__always) func reserve(_ additional: Int) {
        if count + additional > capacity { grow(to: count + additional) }
    }

    private func grow(to needed: Int) {
        var newCapacity = capacity
        while newCapacity < needed { newCapacity = newCapacity &* 2 }
        let newBase = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
        newBase.copyMemory(from: base, byteCount: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    /// Empties the buffer. Storage above `keepAtMost` bytes is released, so one huge page or
    /// row group does not pin its memory for the rest of the file.
    func removeAll(keepAtMost: Int = 1 << 20) {
        count = 0
        if capacity > keepAtMost {
            base.deallocate()
            capacity = max(keepAtMost, 16)
            base = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        }
    }

    /// Appends one byte.
    @inline(__always) func append(_ byte: UInt8) {
        reserve(1)
        base.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
        count += 1
    }

    /// Appends raw bytes.
    func append(_ source: UnsafeRawBufferPointer) {
        guard let address = source.baseAddress, source.count > 0 else { return }
        reserve(source.count)
        (base + count).copyMemory(from: address, byteCount: source.count)
        count += source.count
    }

    /// Appends the bytes of an array.
    func append(_ source: [UInt8]) {
        source.withUnsafeBytes { append($0) }
    }

    /// Appends a fixed-width integer, little-endian (parquet-format: PLAIN and lengths are LE).
    @inline(__always) func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        reserve(MemoryLayout<T>.size)
        base.storeBytes(of: value.littleEndian, toByteOffset: count, as: T.self)
        count += MemoryLayout<T>.size
    }

    /// Appends an unsigned LEB128 varint (Thrift compact protocol; RLE run headers).
    @inline(__always) func appendVarint(_ value: UInt64) {
        reserve(10)
        var v = value
        var p = base + count
        while v >= 0x80 {
            p.storeBytes(of: UInt8(truncatingIfNeeded: v) | 0x80, as: UInt8.self)
            p += 1
            v >>= 7
        }
        p.storeBytes(of: UInt8(truncatingIfNeeded: v), as: UInt8.self)
        count = p - base + 1
    }

    /// Overwrites a little-endian UInt32 at `offset` (a length prefix written before its data).
    func patchLittleEndian(_ value: UInt32, at offset: Int) {
        base.storeBytes(of: value.littleEndian, toByteOffset: offset, as: UInt32.self)
    }

    /// A copy of the bytes in use.
    func toArray() -> [UInt8] {
        Array(bytes)
    }
}

// PLAIN values are the host's native bytes, copied as they are: little-endian hosts only.
#if _endian(big)
#error("the Parquet module assumes a little-endian host")
#endif
