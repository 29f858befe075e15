import CRdKafka

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Conversions between Swift partition values and `rd_kafka_topic_partition_list_t`.
enum RDKafkaTopicPartitionList {
    /// A C list pointer.
    typealias Pointer = UnsafeMutablePointer<rd_kafka_topic_partition_list_t>

    /// Builds a list of `offsets` (with their metadata), runs `body` with it, destroys it.
    static func with<T, E: Error>(_ offsets: [KafkaTopicPartitionOffset], _ body: (Pointer) throws(E) -> T) throws(E) -> T {
        let list = make(offsets)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        return try body(list)
    }

    /// Builds a list of `partitions`, all at `offset`, runs `body` with it, destroys it.
    static func with<T, E: Error>(_ partitions: [KafkaTopicPartition], offset: Int64, _ body: (Pointer) throws(E) -> T) throws(E) -> T {
        try with(partitions.map { KafkaTopicPartitionOffset($0, offset: offset) }, body)
    }

    /// A new list the caller destroys with `rd_kafka_topic_partition_list_destroy`.
    ///
    /// Metadata is copied with `malloc` because librdkafka frees it with `free` when the list
    /// is destroyed (rdkafka_partition.c, `rd_kafka_topic_partition_destroy0`).
    static func make(_ offsets: [KafkaTopicPartitionOffset]) -> Pointer {
        // librdkafka's allocator aborts instead of returning NULL, so the result is non-nil.
        let list: Pointer = rd_kafka_topic_partition_list_new(Int32(clamping: offsets.count))
        for item in offsets {
            guard let element = rd_kafka_topic_partition_list_add(list, item.topic, item.partition) else { continue }
            element.pointee.offset = item.offset
            if let metadata = item.metadata, !metadata.isEmpty {
                let count = metadata.utf8.count
                if let copy = malloc(count) {
                    UnsafeMutableRawBufferPointer(start: copy, count: count).copyBytes(from: metadata.utf8)
                    element.pointee.metadata = copy
                    element.pointee.metadata_size = count
                }
            }
        }
        return list
    }

    /// The elements of `list` with offsets and metadata (empty metadata reads as nil).
    static func read(_ list: Pointer) -> [KafkaTopicPartitionOffset] {
        elements(list).map(offset(of:))
    }

    /// The elements of `list` with their per-partition error codes (`.noError` when none).
    static func readWithErrors(_ list: Pointer) -> [(KafkaTopicPartitionOffset, KafkaError.Code)] {
        elements(list).map { (offset(of: $0), KafkaError.Code(rawValue: $0.err.rawValue)) }
    }

    private static func elements(_ list: Pointer) -> UnsafeBufferPointer<rd_kafka_topic_partition_t> {
        UnsafeBufferPointer(start: list.pointee.elems, count: Int(max(0, list.pointee.cnt)))
    }

    private static func offset(of element: rd_kafka_topic_partition_t) -> KafkaTopicPartitionOffset {
        var metadata: String?
        if let bytes = element.metadata, element.metadata_size > 0 {
            metadata = String(decoding: UnsafeRawBufferPointer(start: bytes, count: element.metadata_size), as: UTF8.self)
        }
        return KafkaTopicPartitionOffset(
            topic: element.topic.map { String(cString: $0) } ?? "",
            partition: element.partition,
            offset: element.offset,
            metadata: metadata
        )
    }
}
