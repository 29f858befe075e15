import Parquet
import Staging
import Warehouse

/// A staged Parquet file read piece by piece from the staging store (ranged GETs on S3, `pread`
/// locally), so a file of any size is loaded with bounded memory. Blocking: use it off Swift's
/// cooperative pool.
final class StagedFileSource: ParquetSource {
    private let store: any StagingStore
    private let key: String
    /// The file's size from its commit record (its exact `meta.content_length`).
    let size: Int

    init(store: any StagingStore, file: StagedFile) {
        self.store = store
        key = file.key
        size = Int(file.bytes)
    }

    func read(offset: Int, count: Int) throws -> [UInt8] {
        try store.read(key, offset: Int64(offset), count: count)
    }
}

/// Turns the staged files of one copy into `COPY … FROM STDIN` data, a slice of rows at a time:
/// each `next()` decodes the next `rowsPerChunk` rows of every column (a page at a time, see
/// `RowGroupSlices`) and returns their bytes, nil at the end. Memory holds one row group's
/// compressed chunks and one slice, whatever the files' sizes. Used from one thread at a time.
///
/// The format is chosen once per copy by `prepare()`: binary when `binaryTypes` is given (every
/// staging column has a binary form) and the first file's Parquet columns each convert to their
/// column's binary form, else text. Every file of one copy has its table version's layout, so the
/// later files convert as the first; one that does not is a data error.
final class StagedRows: @unchecked Sendable {
    private let store: any StagingStore
    private var files: ArraySlice<StagedFile>
    private let expectedColumns: [String]
    private let binaryTypes: [CopyBinaryType]?
    private let rowsPerChunk: Int
    private var reader: ParquetReader?
    private var encoder: Encoder?
    private var rowGroup = 0
    private var slices: RowGroupSlices?
    private var currentKey = ""
    private var prepared: CopyFormat?
    private var pendingHeader = false
    private var finished = false

    /// What the rows of the current file are written with.
    private enum Encoder {
        case text(CopyTextEncoder)
        case binary(CopyBinaryEncoder)
    }

    /// The rows of `files`, whose columns must be `expectedColumns`, in order; sent in binary
    /// when `binaryTypes` (the staging columns' binary types) is given and the files allow it.
    init(store: any StagingStore, files: [StagedFile], expectedColumns: [String], binaryTypes: [CopyBinaryType]? = nil, rowsPerChunk: Int = 8_192) {
        self.store = store
        self.files = files[...]
        self.expectedColumns = expectedColumns
        self.binaryTypes = binaryTypes
        self.rowsPerChunk = rowsPerChunk
    }

    /// Opens the first file and chooses the copy's format, with the reason when it is text
    /// although binary was allowed. Called once, before `next()`.
    func prepare() throws(LoaderError) -> (format: CopyFormat, textReason: String?) {
        var reason: String?
        var format = CopyFormat.text
        if let first = files.popFirst() {
            try open(first)
            if let binaryTypes, let reader {
                do {
                    encoder = .binary(try CopyBinaryEncoder(types: binaryTypes, schema: reader.schema))
                    format = .binary
                } catch {
                    reason = "\(first.key): \(error.message)"
                }
            }
        }
        prepared = format
        pendingHeader = format == .binary
        return (format, reason)
    }

    /// The next chunk of data, or nil when every file is done. Throws `LoaderError.data` for a
    /// file that is missing, unreadable, or not shaped like its table version.
    func next() throws(LoaderError) -> [UInt8]? {
        if prepared == nil { _ = try prepare() }
        if finished { return nil }
        while true {
            if let slices, let encoder {
                let batch: ColumnBatch?
                do {
                    batch = try slices.next(maxRows: rowsPerChunk)
                } catch {
                    throw LoaderError(.data, "cannot read row group \(rowGroup - 1) of the staged file \(currentKey): \(error)", underlying: error)
                }
                if let batch {
                    var out: [UInt8] = []
                    out.reserveCapacity(batch.rowCount * 256)
                    if pendingHeader {
                        out.append(contentsOf: CopyBinaryEncoder.header)
                        pendingHeader = false
                    }
                    do {
                        switch encoder {
                        case .text(let text): try text.append(batch, into: &out)
                        case .binary(let binary): try binary.append(batch, into: &out)
                        }
                    } catch {
                        throw LoaderError(.data, "\(currentKey): \(error.message)")
                    }
                    return out
                }
                self.slices = nil
            }
            if let reader, rowGroup < reader.rowGroupCount {
                do {
                    slices = try reader.slices(rowGroup: rowGroup)
                } catch {
                    throw LoaderError(.data, "cannot read row group \(rowGroup) of the staged file \(currentKey): \(error)", underlying: error)
                }
                rowGroup += 1
                continue
            }
            reader = nil
            guard let file = files.popFirst() else {
                finished = true
                guard prepared == .binary else { return nil }
                // The header when no row came, then the trailer (COPY, "Binary Format", "File Trailer").
                let trailer = (pendingHeader ? CopyBinaryEncoder.header : []) + CopyBinaryEncoder.trailer
                pendingHeader = false
                return trailer
            }
            try open(file)
        }
    }

    private func open(_ file: StagedFile) throws(LoaderError) {
        currentKey = file.key
        let opened: ParquetReader
        do {
            opened = try ParquetReader(source: StagedFileSource(store: store, file: file))
        } catch {
            throw LoaderError(.data, "cannot open the staged file \(file.key) (\(file.bytes) bytes): \(error)", underlying: error)
        }
        let columns = opened.schema.fields.map(\.name)
        guard columns == expectedColumns else {
            throw LoaderError(.data, "the staged file \(file.key) has the columns \(columns), not its table version's \(expectedColumns)")
        }
        reader = opened
        rowGroup = 0
        if prepared == .binary, let binaryTypes {
            do {
                encoder = .binary(try CopyBinaryEncoder(types: binaryTypes, schema: opened.schema))
            } catch {
                throw LoaderError(.data, "the staged file \(file.key) cannot be sent in the binary format its copy's first file chose: \(error.message)")
            }
        } else {
            encoder = .text(CopyTextEncoder(schema: opened.schema))
        }
    }
}
