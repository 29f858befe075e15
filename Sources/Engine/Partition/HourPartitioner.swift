public import Parquet
public import Staging

/// The rows of one event-time hour, in the order they were selected.
public struct HourSlice: Sendable, Hashable {
    /// The UTC hour every row's event time falls in.
    public var hour: UTCHour
    /// Row positions in the batch.
    public var rows: [Int32]
}

/// Splits selected rows into hourly partitions by event time, in UTC.
///
/// Partitioning by event time (never processing time) puts a late record in its own hour, so
/// a replay or a backfill of the same records produces the same partitions. Within an hour rows
/// keep their arrival order (sorting them cost more than it saved: the warehouse sorts on load).
public struct HourPartitioner: Sendable {
    /// TIMESTAMP (µs) columns tried in order for each row's event time; the first non-null wins.
    public var eventTimeColumns: [Int]
    /// Event time used when every candidate column is null (µs since the epoch).
    public var fallbackMicros: Int64

    /// A partitioner reading the event time from `eventTimeColumns` (in order of preference).
    public init(eventTimeColumns: [Int], fallbackMicros: Int64) {
        self.eventTimeColumns = eventTimeColumns
        self.fallbackMicros = fallbackMicros
    }

    /// The rows of `selection` whose event time lies in `window` (µs since the epoch), in order.
    public func select(_ batch: ColumnBatch, selection: [Int32], within window: Range<Int64>) throws(EngineError) -> [Int32] {
        let times = try eventTimes(batch, selection: selection)
        return selection.indices.filter { window.contains(times[$0]) }.map { selection[$0] }
    }

    /// The hours of `selection`'s rows, in ascending hour order.
    public func partition(_ batch: ColumnBatch, selection: [Int32]) throws(EngineError) -> [HourSlice] {
        let times = try eventTimes(batch, selection: selection)
        // One pass buckets rows by hour, keeping the selection's (arrival) order in each.
        var bucketOfHour: [Int64: Int] = [:]
        var slices: [HourSlice] = []
        for index in selection.indices {
            let hour = UTCHour(micros: times[index])
            if let bucket = bucketOfHour[hour.hoursSinceEpoch] {
                slices[bucket].rows.append(selection[index])
            } else {
                bucketOfHour[hour.hoursSinceEpoch] = slices.count
                slices.append(HourSlice(hour: hour, rows: [selection[index]]))
            }
        }
        slices.sort { $0.hour < $1.hour }
        return slices
    }

    /// Each selected row's event time (µs): the first non-null candidate column, else the fallback.
    private func eventTimes(_ batch: ColumnBatch, selection: [Int32]) throws(EngineError) -> [Int64] {
        var columns: [([Int64], [Bool]?)] = []
        for position in eventTimeColumns {
            guard batch.columns.indices.contains(position),
                let values = ColumnAccess.int64(batch.columns[position])
            else {
                throw EngineError(.invalidBatch, "event-time column \(position) must be an INT64 timestamp")
            }
            columns.append((values, batch.columns[position].validity))
        }
        var times = [Int64](repeating: fallbackMicros, count: selection.count)
        for (index, row) in selection.enumerated() {
            let row = Int(row)
            for (values, validity) in columns where validity?[row] ?? true {
                times[index] = values[row]
                break
            }
        }
        return times
    }
}
