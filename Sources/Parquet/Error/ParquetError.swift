/// The one error type of the Parquet module: what went wrong (`code`, for callers to match),
/// a message for humans and the underlying cause. It has no `isRetriable`: the module does no
/// I/O of its own that a retry could fix (a failing sink or source is the caller's, and the
/// caller's error type decides whether to write or read again).
///
/// Messages name columns, row groups and byte offsets, never data values beyond what is needed
/// to find the problem (a row index, a length), so they are safe to log.
public struct ParquetError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is. Match on codes, never on messages.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Sendable {
            case invalidSchema
            case unsupportedByRedshift
            case invalidProperties
            case invalidBatch
            case nullInRequiredColumn
            case invalidValue
            case writerClosed
            case sinkFailed
            case sourceFailed
            case compressionFailed
            case corruptFile
            case unsupported
            case limitExceeded
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The schema cannot be written: an empty or duplicate name, a logical type on the
        /// wrong physical type, a bad decimal precision or FIXED_LEN_BYTE_ARRAY width.
        public static let invalidSchema = Code(.invalidSchema)
        /// The schema uses a type Redshift COPY cannot load (TIME, nanosecond or local
        /// timestamps, decimal precision above 38, unsigned integers, INT96, ENUM).
        public static let unsupportedByRedshift = Code(.unsupportedByRedshift)
        /// A `WriterProperties` or `ReaderOptions` value is out of range (`validate()`, called
        /// by `ParquetWriter.init` and `ParquetReader.init`).
        public static let invalidProperties = Code(.invalidProperties)
        /// A batch does not match the schema: column count, value type, row count, byte-array
        /// offsets, or a selected row index out of range. Nothing of the batch was written.
        public static let invalidBatch = Code(.invalidBatch)
        /// A null in a REQUIRED column. Nothing of the batch was written.
        public static let nullInRequiredColumn = Code(.nullInRequiredColumn)
        /// A value its column's type cannot hold: a decimal wider than its precision, an
        /// INTEGER(8/16) out of range, invalid UTF-8 in a STRING or JSON column. Nothing of the
        /// batch was written.
        public static let invalidValue = Code(.invalidValue)
        /// The writer was used after `close()` or after a sink failure.
        public static let writerClosed = Code(.writerClosed)
        /// The sink refused bytes; the file is incomplete and must be written again.
        public static let sinkFailed = Code(.sinkFailed)
        /// Reading the file's bytes failed (I/O error, or fewer bytes than requested).
        public static let sourceFailed = Code(.sourceFailed)
        /// The compression library failed.
        public static let compressionFailed = Code(.compressionFailed)
        /// The file is not valid Parquet: truncated, bad magic, offsets outside the file,
        /// a footer that contradicts the pages, undecodable pages.
        public static let corruptFile = Code(.corruptFile)
        /// Valid Parquet that this reader does not decode: nested schemas, encryption,
        /// codecs other than SNAPPY and UNCOMPRESSED, DELTA and BYTE_STREAM_SPLIT encodings.
        public static let unsupported = Code(.unsupported)
        /// A length in the file exceeds a configured limit (`ReaderOptions`) or Parquet's own
        /// 2 GiB page limit.
        public static let limitExceeded = Code(.limitExceeded)

        /// The code's name, e.g. `corruptFile`.
        public var description: String { value.rawValue }
    }

    /// What kind of failure this is.
    public var code: Code
    /// What happened, for humans (column, row group, offsets; never a secret).
    public var message: String
    /// The error that caused this one, if any (an I/O error from a sink, say).
    public var underlying: (any Error & Sendable)?

    /// An error with every attribute spelled out.
    public init(_ code: Code, _ message: String, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    /// `code: message`, then the underlying error if there is one.
    public var description: String {
        var text = "parquet \(code): \(message)"
        if let underlying { text += " (caused by: \(underlying))" }
        return text
    }
}

extension ParquetError {
    /// A corrupt-file error (the reader's most common failure).
    static func corrupt(_ message: String) -> ParquetError {
        ParquetError(.corruptFile, message)
    }
}

/// A foreign error kept as its description, so `ParquetError` stays `Sendable` whatever the
/// sink or source threw.
struct DescribedError: Error, Sendable, CustomStringConvertible {
    /// The original error's description.
    let description: String

    init(_ error: any Error) {
        description = "\(error)"
    }
}
