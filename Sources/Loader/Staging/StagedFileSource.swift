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

/// Turns the staged files of one copy into `COPY … FROM STDIN` text, a slice of rows at a time:
/// each `next()` decodes the next `rowsPerChunk` rows of every column (a page at a time, see
/// `RowGroupSlices`) and returns their text, nil at the end. Memory holds one row group's
/// compressed chunks and one slice, whatever the files' sizes. Used from one thread at a time.
final class StagedRows: @unchecked Sendable {
    private let store: any StagingStore
    private var files: ArraySlice<StagedFile>
    private let expectedColumns: [String]
    private let rowsPerChunk: Int
    private var reader: ParquetReader?
    private var encoder: CopyTextEncoder?
    private var rowGroup = 0
    private var slices: RowGroupSlices?
    private var currentKey = ""

    /// The rows of `files`, whose columns must be `expectedColumns`, in order.
    init(store: any StagingStore, files: [StagedFile], expectedColumns: [String], rowsPerChunk: Int = 8_192) {
        self.store = store
        self.files = files[...]
        self.expectedColumns = expectedColumns
        self.rowsPerChunk = rowsPerChunk
    }

    /// The next chunk of text, or nil when every file is done. Throws `LoaderError.data` for a
    /// file that is missing, unreadable, or not shaped like its table version.
    func next() throws(LoaderError) -> [UInt8]? {
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
                    do {
                        try encoder.append(batch, into: &out)
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
            guard let file = files.popFirst() else { return nil }
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
        encoder = CopyTextEncoder(schema: opened.schema)
        rowGroup = 0
    }
}
