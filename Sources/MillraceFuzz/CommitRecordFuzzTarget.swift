import Staging

/// The commit-record parser under fuzzing (the loader's only input from the worker): every
/// input is a record's bytes. It must either be refused with `StagingError.corruptRecord` or
/// decode into a record that encodes and decodes back to itself. Anything else traps.
enum CommitRecordFuzzTarget {
    static func run(_ data: UnsafeRawBufferPointer, tally: inout ParseTally) {
        let record: CommitRecord
        do {
            record = try CommitRecord.decode(Array(data), key: "_millrace/commits/fuzz.json")
        } catch {
            precondition(error.code == .corruptRecord, "an unreadable record is a corrupt record, not \(error.code)")
            tally.refused += 1
            return
        }
        do {
            let again = try CommitRecord.decode(try record.encoded(), key: "_millrace/commits/fuzz.json")
            precondition(again == record, "a decoded record encodes to the same record")
        } catch {
            preconditionFailure("a decoded record encodes and decodes again: \(error)")
        }
        tally.accepted += 1
    }
}
