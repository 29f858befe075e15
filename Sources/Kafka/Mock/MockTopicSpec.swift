/// A topic to create on a mock cluster, written `name:partitions` on command lines
/// (`millrace mock-kafka --topic postgres.eav.entity_values_ts:12`).
public struct MockTopicSpec: Hashable, Sendable, CustomStringConvertible {
    /// Topic name: 1 to 249 characters of `[A-Za-z0-9._-]`, as Kafka allows.
    public var name: String
    /// Partition count, 1 ... `MockCluster.maxPartitions`.
    public var partitions: Int

    /// A topic `name` with `partitions` partitions.
    public init(name: String, partitions: Int) {
        self.name = name
        self.partitions = partitions
    }

    /// Parses `name:partitions` (`name` alone means one partition).
    /// - Throws: `KafkaError` `.invalidArgument` naming what is wrong.
    public init(parsing text: String) throws {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2, let name = parts.first.map(String.init) else {
            throw KafkaError(.invalidArgument, "topic '\(text)' is not name:partitions")
        }
        let allowed = name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)) }
        guard (1...249).contains(name.count), allowed, name != ".", name != ".." else {
            throw KafkaError(.invalidArgument, "topic name '\(name)' must be 1 to 249 characters of A-Z a-z 0-9 . _ -")
        }
        var partitions = 1
        if parts.count == 2 {
            guard let count = Int(parts[1]), (1...MockCluster.maxPartitions).contains(count) else {
                throw KafkaError(.invalidArgument, "topic '\(text)': the partition count must be 1 ... \(MockCluster.maxPartitions)")
            }
            partitions = count
        }
        self.init(name: name, partitions: partitions)
    }

    public var description: String { "\(name):\(partitions)" }
}
