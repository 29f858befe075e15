import Parquet

/// The dedup key columns of one batch, resolved once, with per-row hashing and equality.
struct KeyColumns {
    private enum Column {
        case int64([Int64], [Bool]?)
        case int32([Int32], [Bool]?)
        case bytes(ByteArrayValues, [Bool]?)
        case fixed(FixedLenByteArrayValues, [Bool]?)
    }

    private let columns: [Column]

    init(_ batch: ColumnBatch, positions: [Int]) throws(EngineError) {
        var columns: [Column] = []
        for position in positions {
            guard batch.columns.indices.contains(position) else {
                throw EngineError(.invalidBatch, "dedup key column \(position) is not in the batch")
            }
            let data = batch.columns[position]
            switch data.values {
            case .int64(let values): columns.append(.int64(values, data.validity))
            case .int32(let values): columns.append(.int32(values, data.validity))
            case .byteArray(let values): columns.append(.bytes(values, data.validity))
            case .fixedLenByteArray(let values): columns.append(.fixed(values, data.validity))
            default:
                throw EngineError(.invalidBatch, "dedup key column \(position) must be an integer or byte array")
            }
        }
        self.columns = columns
    }

    /// A 64-bit hash of row `row`'s key; nulls hash as a distinct value.
    func hash(_ row: Int) -> UInt64 {
        var hash: UInt64 = 0x243F_6A88_85A3_08D3
        for column in columns {
            switch column {
            case .int64(let values, let validity):
                hash = Self.mix(hash, isNull(validity, row) ? Self.nullMarker : UInt64(bitPattern: values[row]))
            case .int32(let values, let validity):
                hash = Self.mix(hash, isNull(validity, row) ? Self.nullMarker : UInt64(UInt32(bitPattern: values[row])))
            case .bytes(let values, let validity):
                if isNull(validity, row) {
                    hash = Self.mix(hash, Self.nullMarker)
                } else {
                    hash = Self.mix(hash, Self.hashBytes(values.bytes, values.offsets[row], values.offsets[row + 1]))
                }
            case .fixed(let values, let validity):
                if isNull(validity, row) {
                    hash = Self.mix(hash, Self.nullMarker)
                } else {
                    let start = row * values.width
                    hash = Self.mix(hash, Self.hashBytes(values.bytes, start, start + values.width))
                }
            }
        }
        return hash
    }

    /// True when rows `a` and `b` have equal keys (null equals null).
    func equal(_ a: Int, _ b: Int) -> Bool {
        for column in columns {
            switch column {
            case .int64(let values, let validity):
                guard Self.sameNullness(validity, a, b) else { return false }
                if !isNull(validity, a) && values[a] != values[b] { return false }
            case .int32(let values, let validity):
                guard Self.sameNullness(validity, a, b) else { return false }
                if !isNull(validity, a) && values[a] != values[b] { return false }
            case .bytes(let values, let validity):
                guard Self.sameNullness(validity, a, b) else { return false }
                if !isNull(validity, a)
                    && !values.bytes[values.offsets[a]..<values.offsets[a + 1]]
                        .elementsEqual(values.bytes[values.offsets[b]..<values.offsets[b + 1]])
                {
                    return false
                }
            case .fixed(let values, let validity):
                guard Self.sameNullness(validity, a, b) else { return false }
                let width = values.width
                if !isNull(validity, a)
                    && !values.bytes[(a * width)..<(a * width + width)]
                        .elementsEqual(values.bytes[(b * width)..<(b * width + width)])
                {
                    return false
                }
            }
        }
        return true
    }

    private static let nullMarker: UInt64 = 0x9E37_79B9_7F4A_7C15

    private func isNull(_ validity: [Bool]?, _ row: Int) -> Bool {
        guard let validity else { return false }
        return !validity[row]
    }

    private static func sameNullness(_ validity: [Bool]?, _ a: Int, _ b: Int) -> Bool {
        guard let validity else { return true }
        return validity[a] == validity[b]
    }

    /// A strong 64-bit mixer (the finaliser of MurmurHash3's 64-bit variant).
    private static func mix(_ hash: UInt64, _ value: UInt64) -> UInt64 {
        var x = (hash ^ value) &* 0xFF51_AFD7_ED55_8CCD
        x ^= x >> 33
        x = x &* 0xC4CE_B9FE_1A85_EC53
        x ^= x >> 33
        return x
    }

    private static func hashBytes(_ bytes: [UInt8], _ start: Int, _ end: Int) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325 ^ UInt64(end - start)
        bytes.withUnsafeBytes { buffer in
            var index = start
            while index + 8 <= end {
                hash = mix(hash, buffer.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                index += 8
            }
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while index < end {
                tail |= UInt64(buffer[index]) << shift
                shift += 8
                index += 1
            }
            hash = mix(hash, tail)
        }
        return hash
    }
}
