import Foundation
import LoadGen
import MillraceTesting
import Testing

@Suite("Partitioning")
struct PartitionerTests {
    @Test("records land where Kafka's default partitioner puts them (murmur2, checked in Python)")
    func murmur2() async throws {
        let records = try generate { $0.count = 300; $0.partitions = 12 }.records
        let keys = records.compactMap { $0.key.map { String(decoding: $0, as: UTF8.self) } }
        // Kafka clients Utils.murmur2 / toPositive, written independently in Python.
        let output = try await Subprocess.python(
            """
            import sys
            def murmur2(data):
                m, r = 0x5bd1e995, 24
                h = (0x9747b28c ^ len(data)) & 0xffffffff
                for i in range(0, len(data) - len(data) % 4, 4):
                    k = int.from_bytes(data[i:i + 4], 'little')
                    k = (k * m) & 0xffffffff; k ^= k >> r; k = (k * m) & 0xffffffff
                    h = (h * m) & 0xffffffff; h ^= k
                tail = data[len(data) - len(data) % 4:]
                if len(tail) == 3: h ^= tail[2] << 16
                if len(tail) >= 2: h ^= tail[1] << 8
                if len(tail) >= 1: h ^= tail[0]; h = (h * m) & 0xffffffff
                h ^= h >> 13; h = (h * m) & 0xffffffff; h ^= h >> 15
                return h
            for line in sys.stdin.read().splitlines():
                print((murmur2(line.encode()) & 0x7fffffff) % 12)
            """,
            input: Data(keys.joined(separator: "\n").utf8)
        )
        let expected = output.split(separator: "\n").compactMap { Int32($0) }
        #expect(expected.count == keys.count)
        #expect(records.filter { $0.key != nil }.map(\.partition) == expected)
    }
}
