public import Failures

/// The one error type of the Parquet module: what went wrong (`code`, for callers to match),
/// a message for humans and the underlying cause. It is never retriable: the module does no
/// I/O of its own that a retry could fix (a failing sink or source is the caller's, and the
/// caller's error type decides whether to write or read again).
///
/// Messages name columns, row groups and byte offsets, never data values beyond what is needed
/// to find the problem (a row index, a length), so they are safe to log.
public struct ParquetError: MillraceError {
    /// What kind of failure this is (`ErrorCode<ParquetError>`). Match on codes, never on messages.
    public typealias Code = ErrorCode<ParquetError>

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

extension ErrorCode where Layer == ParquetError {
    /// The schema cannot be written: an empty or duplicate name, a logical type on the
    /// wrong physical type, a bad decimal precision or FIXED_LEN_BYTE_ARRAY width.
    public static let invalidSchema = Self("invalidSchema")
    /// The schema uses a type Redshift COPY cannot load (TIME, nanosecond or local
    /// timestamps, decimal precision above 38, unsigned integers, INT96, ENUM).
    public static let unsupportedByRedshift = Self("unsupportedByRedshift")
    /// A `WriterProperties` or `ReaderOptions` value is out of range (`validate()`, called
    /// by `ParquetWriter.init` and `ParquetReader.init`).
    public static let invalidProperties = Self("invalidProperties")
    /// A batch does not match the schema: column count, value type, row count, byte-array
    /// offsets, or a selected row index out of range. Nothing of the batch was written.
    public static let invalidBatch = Self("invalidBatch")
    /// A null in a REQUIRED column. Nothing of the batch was written.
    public static let nullInRequiredColumn = Self("nullInRequiredColumn")
    /// A value its column's type cannot hold: a decimal wider than its precision, an
    /// INTEGER(8/16) out of range, invalid UTF-8 in a STRING or JSON column. Nothing of the
    /// batch was written.
    public static let invalidValue = Self("invalidValue")
    /// The writer was used after `close()` or after a sink failure.
    public static let writerClosed = Self("writerClosed")
    /// The sink refused bytes; the file is incomplete and must be written again.
    public static let sinkFailed = Self("sinkFailed")
    /// Reading the file's bytes failed (I/O error, or fewer bytes than requested).
    public static let sourceFailed = Self("sourceFailed")
    /// The compression library failed.
    public static let compressionFailed = Self("compressionFailed")
    /// The file is not valid Parquet: truncated, bad magic, offsets outside the file,
    /// a footer that contradicts the pages, undecodable pages.
    public static let corruptFile = Self("corruptFile")
    /// Valid Parquet that this reader does not decode: nested schemas, encryption,
    /// codecs other than SNAPPY and UNCOMPRESSED, DELTA and BYTE_STREAM_SPLIT encodings.
    public static let unsupported = Self("unsupported")
    /// A length in the file exceeds a configured limit (`ReaderOptions`) or Parquet's own
    /// 2 GiB page limit.
    public static let limitExceeded = Self("limitExceeded")
}
