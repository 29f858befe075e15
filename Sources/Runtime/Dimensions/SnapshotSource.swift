import AWS
import Foundation

/// Where a snapshot dimension's file is read from: a local path or an `s3://bucket/key` URL.
struct SnapshotSource: Sendable {
    let location: String
    private let s3: S3Client?

    /// The source at `location`; `s3` reads `s3://` URLs (nil when none is configured).
    init(location: String, s3: S3Client?) {
        self.location = location
        self.s3 = s3
    }

    /// The file's bytes, read whole (snapshots are dimension tables: small).
    func read() throws -> [UInt8] {
        if location.hasPrefix("s3://") {
            let rest = location.dropFirst("s3://".count)
            guard let slash = rest.firstIndex(of: "/"), slash != rest.startIndex else {
                throw RuntimeError(.configuration, "\(location) is not s3://bucket/key")
            }
            guard let s3 else { throw RuntimeError(.configuration, "\(location) needs S3 access, which this run has not configured") }
            return try s3.getObject(bucket: String(rest[..<slash]), key: String(rest[rest.index(after: slash)...])).bytes
        }
        do {
            return Array(try Data(contentsOf: URL(fileURLWithPath: location)))
        } catch {
            throw RuntimeError(.dimension, "cannot read the snapshot \(location): \(error.localizedDescription)")
        }
    }
}
