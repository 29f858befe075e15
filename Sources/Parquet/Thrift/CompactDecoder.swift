/// Reads Thrift compact protocol (Apache Thrift `thrift-compact-protocol.md`) from untrusted
/// bytes: footers and page headers.
///
/// Nothing here traps or allocates from a length it has not checked: every string or list size
/// is compared with the bytes that remain (each element takes at least one byte), varints stop
/// after 10 bytes and nesting stops at `maxDepth`. Unknown fields are skipped, so files written
/// by newer writers still read.
struct CompactDecoder {
    /// The deepest struct/list nesting accepted (Parquet's own structs nest about 6 deep).
    static let maxDepth = 32

    private let bytes: [UInt8]
    /// Offset of the next byte to read.
    private(set) var position: Int
    private let limit: Int
    private var depth = 0

    /// A decoder over `bytes[start..<end]` (the whole array by default).
    init(_ bytes: [UInt8], start: Int = 0, end: Int? = nil) {
        self.bytes = bytes
        position = start
        limit = min(end ?? bytes.count, bytes.count)
    }

    /// Bytes not yet read.
    var remaining: Int { limit - position }

    /// One byte.
    mutating func readByte() throws -> UInt8 {
        guard position < limit else { throw ParquetError.corrupt("Thrift data ends early at byte \(position)") }
        let byte = bytes[position]
        position += 1
        return byte
    }

    /// An unsigned LEB128 varint of at most 10 bytes.
    mutating func readVarint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try readByte()
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw ParquetError.corrupt("Thrift varint longer than 10 bytes at byte \(position)") }
        }
    }

    /// A zigzag varint as a signed 64-bit integer.
    mutating func readZigzag() throws -> Int64 {
        let raw = try readVarint()
        return Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
    }

    /// Reads the next field header of the current struct, or nil at its stop byte.
    /// `lastID` carries the previous field id for delta decoding.
    mutating func readFieldHeader(lastID: inout Int16) throws -> (id: Int16, type: CompactType)? {
        let header = try readByte()
        if header == 0 { return nil }
        guard let type = CompactType(rawValue: header & 0x0F) else {
            throw ParquetError.corrupt("unknown Thrift type \(header & 0x0F) at byte \(position - 1)")
        }
        let delta = header >> 4
        let id: Int16
        if delta == 0 {
            let raw = try readZigzag()
            guard let narrow = Int16(exactly: raw) else { throw ParquetError.corrupt("Thrift field id \(raw) out of range") }
            id = narrow
        } else {
            let (sum, overflow) = lastID.addingReportingOverflow(Int16(delta))
            guard !overflow else { throw ParquetError.corrupt("Thrift field id overflows") }
            id = sum
        }
        lastID = id
        return (id, type)
    }

    /// Reads the fields of one struct, calling `field` for each; `field` reads the value of
    /// fields it knows and calls `skip` for the others.
    mutating func readStruct(_ field: (inout CompactDecoder, Int16, CompactType) throws -> Void) throws {
        try enter()
        var lastID: Int16 = 0
        while let (id, type) = try readFieldHeader(lastID: &lastID) {
            try field(&self, id, type)
        }
        depth -= 1
    }

    /// Reads a list header and checks its size against the bytes that remain.
    mutating func readListHeader() throws -> (count: Int, elementType: CompactType) {
        let header = try readByte()
        guard let elementType = CompactType(rawValue: header & 0x0F) else {
            throw ParquetError.corrupt("unknown Thrift list element type \(header & 0x0F)")
        }
        var count = Int(header >> 4)
        if count == 15 {
            let raw = try readVarint()
            guard raw <= UInt64(remaining) else { throw ParquetError.corrupt("Thrift list of \(raw) elements exceeds the \(remaining) bytes left") }
            count = Int(raw)
        }
        guard count <= remaining else { throw ParquetError.corrupt("Thrift list of \(count) elements exceeds the \(remaining) bytes left") }
        return (count, elementType)
    }

    /// Reads a list field's elements with `element`, checking the element type first.
    mutating func readList(of expected: CompactType, _ element: (inout CompactDecoder) throws -> Void) throws {
        let (count, type) = try readListHeader()
        guard type == expected else {
            throw ParquetError.corrupt("Thrift list holds type \(type), expected \(expected)")
        }
        try enter()
        for _ in 0..<count { try element(&self) }
        depth -= 1
    }

    /// A bool field's value (carried by its type).
    func bool(_ type: CompactType) throws -> Bool {
        switch type {
        case .booleanTrue: return true
        case .booleanFalse: return false
        default: throw ParquetError.corrupt("Thrift field has type \(type), expected bool")
        }
    }

    /// An `i8` field.
    mutating func byte(_ type: CompactType) throws -> Int8 {
        try expect(type, .byte)
        return Int8(bitPattern: try readByte())
    }

    /// An `i16` field.
    mutating func i16(_ type: CompactType) throws -> Int16 {
        try expect(type, .i16)
        let raw = try readZigzag()
        guard let value = Int16(exactly: raw) else { throw ParquetError.corrupt("Thrift i16 \(raw) out of range") }
        return value
    }

    /// An `i32` field (also enums).
    mutating func i32(_ type: CompactType) throws -> Int32 {
        try expect(type, .i32)
        return try i32Element()
    }

    /// An `i32` list element.
    mutating func i32Element() throws -> Int32 {
        let raw = try readZigzag()
        guard let value = Int32(exactly: raw) else { throw ParquetError.corrupt("Thrift i32 \(raw) out of range") }
        return value
    }

    /// An `i64` field.
    mutating func i64(_ type: CompactType) throws -> Int64 {
        try expect(type, .i64)
        return try readZigzag()
    }

    /// A `binary` field.
    mutating func binary(_ type: CompactType) throws -> [UInt8] {
        try expect(type, .binary)
        return try binaryElement()
    }

    /// A `binary` list element.
    mutating func binaryElement() throws -> [UInt8] {
        let length = try readVarint()
        guard length <= UInt64(remaining) else {
            throw ParquetError.corrupt("Thrift binary of \(length) bytes exceeds the \(remaining) bytes left")
        }
        let start = position
        position += Int(length)
        return Array(bytes[start..<position])
    }

    /// A `string` field (UTF-8; invalid sequences become U+FFFD).
    mutating func string(_ type: CompactType) throws -> String {
        try expect(type, .binary)
        return try stringElement()
    }

    /// A `string` list element.
    mutating func stringElement() throws -> String {
        String(decoding: try binaryElement(), as: UTF8.self)
    }

    /// Skips a value of `type`, nested structs and lists included.
    mutating func skip(_ type: CompactType) throws {
        switch type {
        case .stop: throw ParquetError.corrupt("Thrift stop where a value was expected")
        case .booleanTrue, .booleanFalse: return
        case .byte: _ = try readByte()
        case .i16, .i32, .i64: _ = try readVarint()
        case .double: try advance(8)
        case .binary: try advance(Int(clamping: try readVarint()))
        case .structure: try readStruct { decoder, _, fieldType in try decoder.skip(fieldType) }
        case .list, .set:
            let (count, elementType) = try readListHeader()
            try enter()
            for _ in 0..<count {
                // Booleans in a list take one byte each.
                if elementType == .booleanTrue || elementType == .booleanFalse { _ = try readByte() } else { try skip(elementType) }
            }
            depth -= 1
        case .map:
            let size = try readVarint()
            guard size > 0 else { return }
            guard size <= UInt64(remaining) else { throw ParquetError.corrupt("Thrift map of \(size) entries exceeds the bytes left") }
            let kinds = try readByte()
            guard let keyType = CompactType(rawValue: kinds >> 4), let valueType = CompactType(rawValue: kinds & 0x0F) else {
                throw ParquetError.corrupt("unknown Thrift map types \(kinds)")
            }
            try enter()
            for _ in 0..<size {
                try skip(keyType)
                try skip(valueType)
            }
            depth -= 1
        }
    }

    private mutating func advance(_ count: Int) throws {
        guard count >= 0, count <= remaining else { throw ParquetError.corrupt("Thrift value of \(count) bytes exceeds the \(remaining) bytes left") }
        position += count
    }

    private mutating func enter() throws {
        depth += 1
        guard depth <= Self.maxDepth else { throw ParquetError.corrupt("Thrift nesting deeper than \(Self.maxDepth)") }
    }

    private func expect(_ type: CompactType, _ expected: CompactType) throws {
        guard type == expected else { throw ParquetError.corrupt("Thrift field has type \(type), expected \(expected)") }
    }
}
