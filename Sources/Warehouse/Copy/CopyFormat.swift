/// The data format of the PostgreSQL loader's `COPY … FROM STDIN`, chosen per load.
public enum CopyFormat: String, Sendable, Hashable, CaseIterable {
    /// The text format (`CopyTextEncoder`): every load can use it.
    case text
    /// The binary format (`CopyBinaryEncoder`): used when every staging column has a binary form
    /// for its staged Parquet type, else the load is sent as text.
    case binary
}
