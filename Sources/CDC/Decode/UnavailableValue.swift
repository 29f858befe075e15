import COpenSSL
import Catalog

/// Debezium's unavailable-value placeholder, in every form the PostgreSQL connector gives it,
/// as the JSON tokens JsonConverter writes: what an unchanged TOASTed value looks like.
///
/// Under REPLICA IDENTITY DEFAULT an update does not carry a TOASTed column it left unchanged;
/// Debezium puts `unavailable.value.placeholder` in its place (postgresql.adoc, "Toasted
/// values"), converted per column type by `UnchangedToastedPlaceholder` and
/// `PostgresValueConverter` (debezium/debezium, `debezium-connector-postgres`):
///
/// | column                                  | value (placeholder P, its bytes B)                          |
/// |-----------------------------------------|-------------------------------------------------------------|
/// | text, varchar, json, jsonb, xml, …      | the string P (`convertString`)                             |
/// | bytea, `binary.handling.mode=bytes`     | the bytes B, so base64(B) in JSON (`convertBinaryToBytes`)  |
/// | bytea, `binary.handling.mode=hex`       | the string P, not hex (`convertBinaryToHex`)                |
/// | bytea, `base64` / `base64-url-safe`     | null: not recognisable (`unexpectedBinary`)                 |
/// | text[], varchar[], bpchar[], json[], jsonb[] | `[P]`                                                 |
/// | bytea[]                                 | `[base64(B)]`                                               |
/// | integer[], date[], bigint[]             | the bytes of B as signed numbers, `[95,95,100,…]`           |
/// | uuid[]                                  | `[UUID.nameUUIDFromBytes(B)]`, a name-based (v3) UUID       |
/// | hstore, `hstore.handling.mode=map`      | `{P: P}`                                                    |
/// | hstore, `hstore.handling.mode=json`     | the string `{"P":"P"}`                                      |
///
/// The tests that pin these are `RecordsStreamProducerIT.shouldHandleToasted*` with the
/// expected values of `DecoderDifferences` (debezium-connector-postgres/src/test).
final class UnavailableValue {
    /// Which forms a column's conversion can meet.
    enum Form: UInt8 {
        case none = 0
        /// A text column (the string P).
        case text
        /// A `Json` string column (the string P, or an hstore's `{"P":"P"}`).
        case jsonText
        /// A JSON value column fed by an array or map (every array form, the hstore map).
        case jsonValue
        /// Connect `bytes` (base64 of B).
        case bytes
        /// Bytes as hex text (the string P).
        case hexText
    }

    /// The placeholder's bytes (`hex:` decoded; its string is these bytes as UTF-8).
    let bytes: [UInt8]
    /// Every token back to back; `bounds[i]..<bounds[i + 1]` is token i.
    private let storage: UnsafeMutablePointer<UInt8>
    private let bounds: UnsafeMutablePointer<Int>
    /// Per form: its first token and the token after its last.
    private let formTokens: UnsafeMutablePointer<(first: Int, end: Int)>
    private static let formCount = 6

    /// The forms of `placeholder`, given as the connector's `unavailable.value.placeholder`
    /// (`hex:` followed by hex digits gives raw bytes, as `PostgresConnectorConfig
    /// .getUnavailableValuePlaceholder` reads it). Nil when it is empty or bad hex.
    init?(placeholder: String) {
        var bytes: [UInt8] = []
        if placeholder.hasPrefix("hex:") {
            let digits = Array(placeholder.utf8.dropFirst(4))
            guard digits.count % 2 == 0 else { return nil }
            for index in stride(from: 0, to: digits.count, by: 2) {
                guard let high = Base16.value(digits[index]), let low = Base16.value(digits[index + 1]) else { return nil }
                bytes.append(high << 4 | low)
            }
        } else {
            bytes = Array(placeholder.utf8)
        }
        guard !bytes.isEmpty else { return nil }
        self.bytes = bytes
        let text = String(decoding: bytes, as: UTF8.self)
        func json(_ build: (inout JSONWriter) -> Void) -> [UInt8] {
            var writer = JSONWriter()
            build(&writer)
            return writer.bytes
        }
        let string = json { $0.string(text) }
        let base64 = Base64Encoding.encode(bytes)
        let hstore = json { writer in
            writer.byte(UInt8(ascii: "{"))
            writer.key(text)
            writer.string(text)
            writer.byte(UInt8(ascii: "}"))
        }
        let numbers = json { writer in
            writer.byte(UInt8(ascii: "["))
            for (index, byte) in bytes.enumerated() {
                if index > 0 { writer.byte(UInt8(ascii: ",")) }
                writer.integer(Int(Int8(bitPattern: byte)))
            }
            writer.byte(UInt8(ascii: "]"))
        }
        var forms: [[[UInt8]]] = Array(repeating: [], count: Self.formCount)
        forms[Int(Form.text.rawValue)] = [string]
        forms[Int(Form.jsonText.rawValue)] = [string, json { $0.string(String(decoding: hstore, as: UTF8.self)) }]
        forms[Int(Form.jsonValue.rawValue)] = [
            [UInt8(ascii: "[")] + string + [UInt8(ascii: "]")],
            json { $0.raw("["); $0.string(base64); $0.raw("]") },
            numbers,
            json { $0.raw("["); $0.string(Self.nameUUID(bytes)); $0.raw("]") },
            hstore,
        ]
        forms[Int(Form.bytes.rawValue)] = [json { $0.string(base64) }]
        forms[Int(Form.hexText.rawValue)] = [string]
        let all = forms.flatMap { $0 }
        storage = .allocate(capacity: all.reduce(0) { $0 + $1.count })
        bounds = .allocate(capacity: all.count + 1)
        formTokens = .allocate(capacity: Self.formCount)
        var offset = 0
        for (index, token) in all.enumerated() {
            bounds[index] = offset
            (storage + offset).initialize(from: token, count: token.count)
            offset += token.count
        }
        bounds[all.count] = offset
        var first = 0
        for (index, form) in forms.enumerated() {
            formTokens[index] = (first, first + form.count)
            first += form.count
        }
    }

    deinit {
        storage.deallocate()
        bounds.deallocate()
        formTokens.deallocate()
    }

    /// The form a column converted by `conversion` can carry.
    static func form(of conversion: ValueConversion) -> Form {
        switch conversion {
        case .text: .text
        case .jsonText: .jsonText
        case .jsonValue: .jsonValue
        case .bytes: .bytes
        case .binaryText(.hex): .hexText
        default: .none
        }
    }

    /// The length of the placeholder token of `form` at the cursor, or nil when the value
    /// there is something else. Checks the token's second byte before comparing it whole, so
    /// an ordinary value costs one byte compare.
    @inline(__always) func match(_ form: Form, at cursor: JSONCursor) -> Int? {
        let (first, end) = formTokens[Int(form.rawValue)]
        let position = cursor.position
        for index in first..<end {
            let token = storage + bounds[index]
            let length = bounds[index + 1] - bounds[index]
            guard position + length <= cursor.count, cursor.base[position + 1] == token[1] else { continue }
            if cursor.hasPrefix(token, length: length) { return length }
        }
        return nil
    }

    /// `java.util.UUID.nameUUIDFromBytes`: MD5 of the bytes with version 3 and the IETF
    /// variant set (RFC 4122 section 4.3), in 8-4-4-4-12 lowercase form.
    static func nameUUID(_ bytes: [UInt8]) -> String {
        var digest = [UInt8](repeating: 0, count: 16)
        var size: UInt32 = 0
        _ = bytes.withUnsafeBytes { input in
            digest.withUnsafeMutableBufferPointer { output in
                EVP_Digest(input.baseAddress, input.count, output.baseAddress, &size, EVP_md5(), nil)
            }
        }
        digest[6] = digest[6] & 0x0F | 0x30
        digest[8] = digest[8] & 0x3F | 0x80
        let hex = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for (index, byte) in digest.enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 { text.append(UInt8(ascii: "-")) }
            text.append(hex[Int(byte >> 4)])
            text.append(hex[Int(byte & 15)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
