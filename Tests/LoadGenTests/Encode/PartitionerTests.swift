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
        let output = try await Subprocess.python(
            murmur2Oracle + "\n" + """
            import sys
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
