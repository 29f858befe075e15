// Enumerations of parquet-format `parquet.thrift`. Each is a struct over the Thrift value, not a
// Swift enum, so a file written by a newer writer with a value we do not know still decodes and
// prints (as `ENCODING(42)`, say) instead of failing.

/// How a page's values are encoded (parquet-format `Encoding`, Encodings.md).
public struct Encoding: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The Thrift enum value.
    public let rawValue: Int32
    /// Wraps a Thrift enum value.
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// Values back to back (Encodings.md, PLAIN). Also the dictionary page's encoding.
    public static let plain = Encoding(rawValue: 0)
    /// Parquet 1.0 name for a dictionary page and its indices. Read only.
    public static let plainDictionary = Encoding(rawValue: 2)
    /// RLE/bit-packing hybrid: definition levels, booleans.
    public static let rle = Encoding(rawValue: 3)
    /// Deprecated MSB-first bit packing of levels. Read only.
    public static let bitPacked = Encoding(rawValue: 4)
    /// DELTA_BINARY_PACKED. Not decoded.
    public static let deltaBinaryPacked = Encoding(rawValue: 5)
    /// DELTA_LENGTH_BYTE_ARRAY. Not decoded.
    public static let deltaLengthByteArray = Encoding(rawValue: 6)
    /// DELTA_BYTE_ARRAY. Not decoded.
    public static let deltaByteArray = Encoding(rawValue: 7)
    /// Dictionary indices in the RLE/bit-packing hybrid, after a one-byte bit width.
    public static let rleDictionary = Encoding(rawValue: 8)
    /// BYTE_STREAM_SPLIT. Not decoded.
    public static let byteStreamSplit = Encoding(rawValue: 9)

    /// The name used in parquet.thrift, e.g. `RLE_DICTIONARY`.
    public var description: String {
        switch rawValue {
        case 0: "PLAIN"
        case 2: "PLAIN_DICTIONARY"
        case 3: "RLE"
        case 4: "BIT_PACKED"
        case 5: "DELTA_BINARY_PACKED"
        case 6: "DELTA_LENGTH_BYTE_ARRAY"
        case 7: "DELTA_BYTE_ARRAY"
        case 8: "RLE_DICTIONARY"
        case 9: "BYTE_STREAM_SPLIT"
        case 10: "ALP"
        default: "ENCODING(\(rawValue))"
        }
    }
}

/// A column chunk's compression codec (parquet-format `CompressionCodec`, Compression.md).
public struct CompressionCodec: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The Thrift enum value.
    public let rawValue: Int32
    /// Wraps a Thrift enum value.
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// No compression.
    public static let uncompressed = CompressionCodec(rawValue: 0)
    /// Snappy raw blocks (no framing), the codec Redshift COPY expects.
    public static let snappy = CompressionCodec(rawValue: 1)
    /// GZIP. Not decoded.
    public static let gzip = CompressionCodec(rawValue: 2)
    /// ZSTD. Not decoded.
    public static let zstd = CompressionCodec(rawValue: 6)

    /// The name used in parquet.thrift, e.g. `SNAPPY`.
    public var description: String {
        switch rawValue {
        case 0: "UNCOMPRESSED"
        case 1: "SNAPPY"
        case 2: "GZIP"
        case 3: "LZO"
        case 4: "BROTLI"
        case 5: "LZ4"
        case 6: "ZSTD"
        case 7: "LZ4_RAW"
        default: "CODEC(\(rawValue))"
        }
    }
}

/// The kind of a page (parquet-format `PageType`).
public struct PageType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The Thrift enum value.
    public let rawValue: Int32
    /// Wraps a Thrift enum value.
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// A v1 data page: levels and values, compressed together.
    public static let dataPage = PageType(rawValue: 0)
    /// Unused by the format.
    public static let indexPage = PageType(rawValue: 1)
    /// The dictionary of a column chunk, before its data pages.
    public static let dictionaryPage = PageType(rawValue: 2)
    /// A v2 data page: uncompressed levels, then values. Read only.
    public static let dataPageV2 = PageType(rawValue: 3)

    /// The name used in parquet.thrift, e.g. `DICTIONARY_PAGE`.
    public var description: String {
        switch rawValue {
        case 0: "DATA_PAGE"
        case 1: "INDEX_PAGE"
        case 2: "DICTIONARY_PAGE"
        case 3: "DATA_PAGE_V2"
        default: "PAGE(\(rawValue))"
        }
    }
}

/// The legacy type annotation (parquet-format `ConvertedType`), which older readers, Redshift
/// among them, still consult. The writer sets it beside every LogicalType that has one.
public struct ConvertedType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The Thrift enum value.
    public let rawValue: Int32
    /// Wraps a Thrift enum value.
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// UTF8 (LogicalType STRING).
    public static let utf8 = ConvertedType(rawValue: 0)
    /// ENUM.
    public static let enumeration = ConvertedType(rawValue: 4)
    /// DECIMAL, with `scale` and `precision` on the SchemaElement.
    public static let decimal = ConvertedType(rawValue: 5)
    /// DATE.
    public static let date = ConvertedType(rawValue: 6)
    /// TIME_MILLIS.
    public static let timeMillis = ConvertedType(rawValue: 7)
    /// TIME_MICROS.
    public static let timeMicros = ConvertedType(rawValue: 8)
    /// TIMESTAMP_MILLIS.
    public static let timestampMillis = ConvertedType(rawValue: 9)
    /// TIMESTAMP_MICROS.
    public static let timestampMicros = ConvertedType(rawValue: 10)
    /// UINT_8 ... UINT_64 are 11 ... 14.
    public static func unsigned(bitWidth: Int) -> ConvertedType? { integerType(base: 11, bitWidth: bitWidth) }
    /// INT_8 ... INT_64 are 15 ... 18.
    public static func signed(bitWidth: Int) -> ConvertedType? { integerType(base: 15, bitWidth: bitWidth) }
    /// JSON.
    public static let json = ConvertedType(rawValue: 19)

    private static func integerType(base: Int32, bitWidth: Int) -> ConvertedType? {
        switch bitWidth {
        case 8: ConvertedType(rawValue: base)
        case 16: ConvertedType(rawValue: base + 1)
        case 32: ConvertedType(rawValue: base + 2)
        case 64: ConvertedType(rawValue: base + 3)
        default: nil
        }
    }

    /// The name used in parquet.thrift, e.g. `TIMESTAMP_MICROS`.
    public var description: String {
        let names = [
            "UTF8", "MAP", "MAP_KEY_VALUE", "LIST", "ENUM", "DECIMAL", "DATE", "TIME_MILLIS", "TIME_MICROS",
            "TIMESTAMP_MILLIS", "TIMESTAMP_MICROS", "UINT_8", "UINT_16", "UINT_32", "UINT_64", "INT_8", "INT_16",
            "INT_32", "INT_64", "JSON", "BSON", "INTERVAL",
        ]
        return rawValue >= 0 && Int(rawValue) < names.count ? names[Int(rawValue)] : "CONVERTED_TYPE(\(rawValue))"
    }
}
