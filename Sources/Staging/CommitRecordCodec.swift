import Foundation

extension CommitRecord {
    /// The record as the JSON the store holds (sorted keys, pretty-printed, so records diff well).
    public func encoded() throws(StagingError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        do {
            return Array(try encoder.encode(self))
        } catch {
            throw StagingError(.corruptRecord, "cannot encode the record of batch \(batchID)", underlying: error)
        }
    }

    /// Decodes the record stored under `key`; throws `.corruptRecord` when the bytes are not a
    /// record or name a format this build does not read.
    public static func decode(_ bytes: [UInt8], key: String) throws(StagingError) -> CommitRecord {
        let record: CommitRecord
        do {
            record = try JSONDecoder().decode(CommitRecord.self, from: Data(bytes))
        } catch {
            throw StagingError(.corruptRecord, "cannot decode the commit record \(key)", underlying: error)
        }
        guard record.format == currentFormat else {
            throw StagingError(.corruptRecord, "\(key) has format \(record.format); this build reads \(currentFormat)")
        }
        return record
    }
}

extension StagingStore {
    /// The commit record under `key`, nil if there is none; throws `.corruptRecord` if unreadable.
    public func record(_ key: String) throws -> CommitRecord? {
        guard let bytes = try get(key) else { return nil }
        return try CommitRecord.decode(bytes, key: key)
    }
}
