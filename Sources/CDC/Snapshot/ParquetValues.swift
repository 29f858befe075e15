import Catalog
import Parquet

/// Appends one non-null value of a Parquet column to a declared column's store, by the
/// column's `ParquetEncoding`, with the decoder's checks.
enum ParquetValues {
    /// Appends the value at `row` of `values`; `conversion` is the column's text conversion
    /// (for `text` encodings) and `column` its name in the file, for messages.
    @inline(__always)
    static func append(
        _ values: ColumnValues, row: Int, _ encoding: ParquetEncoding, conversion: Conversion, column: @autoclosure () -> String,
        text: inout TextValue, into store: UnsafeMutablePointer<ColumnStore>
    ) throws(DecodeFailure) {
        switch (encoding, values) {
        case (.boolean, .boolean(let booleans)):
            store.pointee.append(booleans[row])
        case (.integer(let conversion, let unsigned), .int32(let integers)):
            let value = unsigned ? Int64(UInt32(bitPattern: integers[row])) : Int64(integers[row])
            try ValueDecoding.appendInteger(value, conversion, into: store)
        case (.integer(let conversion, let unsigned), .int64(let integers)):
            guard !unsigned || integers[row] >= 0 else {
                throw DecodeFailure(.typeMismatch, "column `\(column())`: unsigned \(UInt64(bitPattern: integers[row])) exceeds bigint")
            }
            try ValueDecoding.appendInteger(integers[row], conversion, into: store)
        case (.floating, .double(let doubles)):
            store.pointee.append(doubles[row])
        case (.floating, .float(let floats)):
            store.pointee.append(Double(floats[row]))
        case (.decimal(let scale, let decimalTarget), _):
            guard let unscaled = unscaledDecimal(values, row: row) else {
                throw DecodeFailure(.decimalOverflow, "the unscaled decimal needs more than 128 bits")
            }
            store.pointee.append(decimal: try ValueDecoding.rescaled(unscaled, from: scale, to: decimalTarget))
        case (.text, .byteArray(let strings)):
            let result: Result<Void, DecodeFailure> = strings.bytes.withUnsafeBufferPointer { bytes in
                let value = UnsafeBufferPointer(rebasing: bytes[strings.offsets[row]..<strings.offsets[row + 1]])
                return Result { () throws(DecodeFailure) in
                    try text.append(value, doubledQuotes: false, conversion: conversion, column: column(), into: store)
                }
            }
            try result.get()
        case (.bytes(let maxBytes), .byteArray(let blobs)):
            let length = blobs.offsets[row + 1] - blobs.offsets[row]
            guard length <= maxBytes else { throw ValueDecoding.tooLong(length, maxBytes) }
            store.pointee.bytes.append(contentsOf: blobs.bytes[blobs.offsets[row]..<blobs.offsets[row + 1]])
            store.pointee.finishBytes()
        case (.bytes(let maxBytes), .fixedLenByteArray(let blobs)):
            guard blobs.width <= maxBytes else { throw ValueDecoding.tooLong(blobs.width, maxBytes) }
            store.pointee.bytes.append(contentsOf: blobs.bytes[row * blobs.width..<(row + 1) * blobs.width])
            store.pointee.finishBytes()
        case (.uuid, .fixedLenByteArray(let uuids)) where uuids.width == 16:
            // Canonical 8-4-4-4-12 lowercase hex (RFC 9562 section 4).
            for index in 0..<16 {
                if index == 4 || index == 6 || index == 8 || index == 10 { store.pointee.bytes.append(UInt8(ascii: "-")) }
                let byte = uuids.bytes[row * 16 + index]
                store.pointee.bytes.append(hexDigits[Int(byte >> 4)])
                store.pointee.bytes.append(hexDigits[Int(byte & 15)])
            }
            store.pointee.finishBytes()
        default:
            // ParquetEncoding pairs each encoding with the physical types above only.
            throw DecodeFailure(.typeMismatch, "column `\(column())`: unexpected Parquet values")
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// The unscaled value of a DECIMAL in any of its physical types, or nil beyond 128 bits.
    private static func unscaledDecimal(_ values: ColumnValues, row: Int) -> Int128? {
        switch values {
        case .int32(let integers): Int128(integers[row])
        case .int64(let integers): Int128(integers[row])
        case .fixedLenByteArray(let blobs):
            blobs.bytes[row * blobs.width..<(row + 1) * blobs.width].withUnsafeBufferPointer(DecimalCodec.twosComplement)
        case .byteArray(let blobs):
            blobs.bytes[blobs.offsets[row]..<blobs.offsets[row + 1]].withUnsafeBufferPointer(DecimalCodec.twosComplement)
        default: nil
        }
    }

    /// A short rendering of the value at `row`, for a rejection's text.
    static func describe(_ values: ColumnValues, row: Int) -> String {
        switch values {
        case .boolean(let booleans): String(booleans[row])
        case .int32(let integers): String(integers[row])
        case .int64(let integers): String(integers[row])
        case .float(let floats): String(floats[row])
        case .double(let doubles): String(doubles[row])
        case .byteArray(let blobs): String(decoding: blobs.bytes[blobs.offsets[row]..<blobs.offsets[row + 1]], as: UTF8.self)
        case .fixedLenByteArray(let blobs): Base64Encoding.encode(blobs.bytes[row * blobs.width..<(row + 1) * blobs.width])
        }
    }
}
