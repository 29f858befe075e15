import Parquet

/// Orders the rows of one batch that share a dedup key: the higher rank is the newer change.
///
/// Rank compares the version, then the LSN (nulls lowest), then the Kafka partition and offset,
/// so the choice is total and deterministic: the same batch always keeps the same row.
struct RowRank {
    private let version: [Int64]?
    private let versionValid: [Bool]?
    private let lsn: [Int64]?
    private let lsnValid: [Bool]?
    private let partition: [Int32]
    private let offset: [Int64]

    init(_ batch: ColumnBatch, spec: DedupSpec) throws(EngineError) {
        func column(_ position: Int, _ role: String) throws(EngineError) -> ColumnData {
            guard batch.columns.indices.contains(position) else {
                throw EngineError(.invalidBatch, "\(role) column \(position) is not in the batch")
            }
            return batch.columns[position]
        }
        func ordering(_ position: Int?, _ role: String, _ values: (ColumnData) -> [Int64]?) throws(EngineError) -> ([Int64], [Bool]?)? {
            guard let position else { return nil }
            let data = try column(position, role)
            guard let read = values(data) else { throw EngineError(.invalidBatch, "\(role) column \(position) has the wrong type") }
            return (read, data.validity)
        }
        let versions = try ordering(spec.versionColumn, "version", ColumnAccess.integer)
        let lsns = try ordering(spec.lsnColumn, "LSN", ColumnAccess.int64)
        (version, versionValid) = (versions?.0, versions?.1)
        (lsn, lsnValid) = (lsns?.0, lsns?.1)
        guard case .int32(let partitions) = try column(spec.partitionColumn, "partition").values else {
            throw EngineError(.invalidBatch, "partition column \(spec.partitionColumn) must be INT32")
        }
        guard let offsets = ColumnAccess.int64(try column(spec.offsetColumn, "offset")) else {
            throw EngineError(.invalidBatch, "offset column \(spec.offsetColumn) must be INT64")
        }
        partition = partitions
        offset = offsets
    }

    /// True when row `a` is a newer change than row `b`.
    func outranks(_ a: Int, _ b: Int) -> Bool {
        if let version {
            let order = Self.compare(version, versionValid, a, b)
            if order != 0 { return order > 0 }
        }
        if let lsn {
            let order = Self.compare(lsn, lsnValid, a, b)
            if order != 0 { return order > 0 }
        }
        if partition[a] != partition[b] { return partition[a] > partition[b] }
        return offset[a] > offset[b]
    }

    /// -1, 0 or 1 comparing rows of a nullable column, a null ranking below every value.
    private static func compare(_ values: [Int64], _ validity: [Bool]?, _ a: Int, _ b: Int) -> Int {
        let aValid = validity?[a] ?? true
        let bValid = validity?[b] ?? true
        switch (aValid, bValid) {
        case (false, false): return 0
        case (false, true): return -1
        case (true, false): return 1
        case (true, true): return values[a] == values[b] ? 0 : (values[a] > values[b] ? 1 : -1)
        }
    }
}
