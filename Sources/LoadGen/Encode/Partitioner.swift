/// Kafka's default partitioner: murmur2 of the key bytes, made positive, modulo the partition
/// count (Kafka `Utils.murmur2`/`toPositive`; librdkafka's `murmur2_random` matches it for
/// non-null keys). Null keys go to partition 0 here (the generator keys every record).
enum Partitioner {
    static func partition(key: [UInt8]?, partitions: Int) -> Int32 {
        guard let key, partitions > 1 else { return 0 }
        return Int32(Int(murmur2(key) & 0x7FFF_FFFF) % partitions)
    }

    /// MurmurHash2, 32-bit, seed 0x9747b28c, as Kafka's `Utils.murmur2`.
    static func murmur2(_ data: [UInt8]) -> UInt32 {
        let m: UInt32 = 0x5BD1_E995
        let r: UInt32 = 24
        var h: UInt32 = 0x9747_B28C ^ UInt32(truncatingIfNeeded: data.count)
        let blocks = data.count / 4
        for block in 0..<blocks {
            let i = block * 4
            var k = UInt32(data[i]) | UInt32(data[i + 1]) << 8 | UInt32(data[i + 2]) << 16 | UInt32(data[i + 3]) << 24
            k = k &* m
            k ^= k >> r
            k = k &* m
            h = h &* m
            h ^= k
        }
        let tail = blocks * 4
        switch data.count & 3 {
        case 3:
            h ^= UInt32(data[tail + 2]) << 16
            h ^= UInt32(data[tail + 1]) << 8
            h ^= UInt32(data[tail])
            h = h &* m
        case 2:
            h ^= UInt32(data[tail + 1]) << 8
            h ^= UInt32(data[tail])
            h = h &* m
        case 1:
            h ^= UInt32(data[tail])
            h = h &* m
        default:
            break
        }
        h ^= h >> 13
        h = h &* m
        h ^= h >> 15
        return h
    }
}

extension LoadRecord {
    /// The partition Kafka's default partitioner (`Partitioner`: Java's murmur2, librdkafka's
    /// `murmur2_random`) gives this record's key among `partitionCount` partitions (1 or more).
    /// `partition` is this for `LoadGenConfiguration.partitions`; a Kafka sink asks with the
    /// topic's real count.
    public func partition(among partitionCount: Int) -> Int32 {
        Partitioner.partition(key: key, partitions: partitionCount)
    }
}
