public import Parquet
public import Staging

/// How `BatchFlusher` lays out and sizes what it stages.
public struct FlushSettings: Sendable {
    /// Keys of staged Parquet files. Default: `KeyTemplate.defaultTemplate`.
    public var template: KeyTemplate
    /// Keys of records, dead letters, checkpoints and evolved schemas.
    public var layout: StagingLayout
    /// Parquet layout (row groups, pages, Snappy).
    public var writerProperties: WriterProperties
    /// A staged file is closed and a new one started once it reaches this size
    /// (`pipeline.max_file_bytes`).
    public var maxFileBytes: Int
    /// Who writes the batches (host and process), recorded in commit records.
    public var worker: String

    /// Settings with every part given.
    public init(
        template: KeyTemplate, layout: StagingLayout = StagingLayout(), writerProperties: WriterProperties = WriterProperties(),
        maxFileBytes: Int, worker: String
    ) {
        self.template = template
        self.layout = layout
        self.writerProperties = writerProperties
        self.maxFileBytes = maxFileBytes
        self.worker = worker
    }
}
