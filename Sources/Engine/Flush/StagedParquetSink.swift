import Parquet
import Staging

/// Lets a `ParquetWriter` stream into a staging-store object.
final class StagedParquetSink: ParquetSink {
    let object: any StagedObjectWriter

    init(_ object: any StagedObjectWriter) {
        self.object = object
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        try object.write(bytes)
    }
}
