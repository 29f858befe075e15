/// A flat Parquet schema: an ordered list of top-level columns.
///
/// Redshift COPY matches Parquet columns to table columns by position, so the order here is
/// the order of the staging table's columns.
public struct Schema: Sendable, Hashable {
    /// Columns, in file order.
    public var fields: [Field]

    /// A schema with the given columns, in order.
    public init(_ fields: [Field]) {
        self.fields = fields
    }

    /// Index of the column named `name`, or nil.
    public func index(of name: String) -> Int? {
        fields.firstIndex { $0.name == name }
    }
}
