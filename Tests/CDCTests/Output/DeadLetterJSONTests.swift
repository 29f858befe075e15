import CDC
import Catalog
import Foundation
import MillraceTesting
import Testing

@Suite("Dead-letter JSON: the one DLQ format")
struct DeadLetterJSONTests {
    private static let letter = DeadLetter(
        reason: .badBase64, message: "field `value_decimal`: \"@@\" is not base64\n\u{1}é", topic: "postgres.eav.entity_values_ts",
        partition: 3, offset: 42, timestampMs: 1_795_132_800_000, key: Array(#"{"entity_id":7,"version":2}"#.utf8),
        value: [0xFF, 0x00, 0x01, 0x7B]
    )

    @Test("known answer: every member, in order, escaped, base64 with padding")
    func knownAnswer() {
        let expected = #"{"batch":"b-0001","topic":"postgres.eav.entity_values_ts","partition":3,"offset":42,"#
            + #""timestamp_ms":1795132800000,"reason":"bad_base64","#
            + #""message":"field `value_decimal`: \"@@\" is not base64\n\u0001é","#
            + #""key_base64":"eyJlbnRpdHlfaWQiOjcsInZlcnNpb24iOjJ9","value_base64":"/wABew=="}"#
        #expect(String(decoding: Self.letter.json(batch: "b-0001"), as: UTF8.self) == expected)
    }

    @Test("known answer: no batch, a null key and a tombstone's null value, an empty key")
    func nulls() {
        var letter = Self.letter
        letter.key = nil
        letter.value = nil
        letter.reason = .missingRequiredField
        letter.message = "m"
        var writer = JSONWriter()
        letter.writeJSON(to: &writer)
        #expect(
            writer.text == #"{"topic":"postgres.eav.entity_values_ts","partition":3,"offset":42,"timestamp_ms":1795132800000,"#
                + #""reason":"missing_required_field","message":"m","key_base64":null,"value_base64":null}"#
        )
        letter.key = []
        #expect(String(decoding: letter.json(), as: UTF8.self).contains(#""key_base64":"","value_base64":null}"#))
    }

    @Test("Python decodes key_base64 and value_base64 back to the original bytes, every length and byte value")
    func pythonRoundTrip() async throws {
        var generator = SystemRandomNumberGenerator()
        var letters: [DeadLetter] = []
        for length in 0..<70 {
            var letter = Self.letter
            letter.offset = Int64(length)
            letter.key = length % 7 == 3 ? nil : (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            letter.value = (0..<(length * 5)).map { UInt8(truncatingIfNeeded: $0 * 37 + length) }
            letters.append(letter)
        }
        letters.append(DeadLetter(
            reason: .oversized, message: "", topic: "t", partition: 0, offset: 99, timestampMs: -1,
            key: Array(0...255), value: Array((0...255).reversed())
        ))
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("dlq.ndjson")
        try Data(letters.flatMap { $0.json(batch: "b") + [0x0A] }).write(to: path)
        let output = try await Subprocess.python(Self.oracle, arguments: [path.path])
        let expected = letters.map { letter in
            [letter.key, letter.value].map { bytes in bytes.map { $0.map { String(format: "%02x", $0) }.joined() } ?? "null" }
                .joined(separator: " ")
        }
        #expect(output.split(separator: "\n").map(String.init) == expected)
    }

    @Test("millrace decode's dead_letter object is the same format")
    func decodeReport() throws {
        let catalog = try Catalog.load(directory: PackagePaths.schemas.path)
        let decoder = try ChangeDecoder(catalog: catalog)
        let value = Array("{\"tenant_id\":1,".utf8)
        let record = KcatEnvelope(topic: "postgres.eav.entity_values_ts", partition: 2, offset: 9, timestampMs: 5, key: [0x31], payload: value)
        let (outcome, json) = RecordReport.decode(record, line: 1, with: decoder)
        guard case .deadLetter(let letter) = outcome else {
            Issue.record("expected a dead letter, got \(outcome)")
            return
        }
        let text = String(decoding: json, as: UTF8.self)
        // The key `1` is JSON: it is shown decoded beside the dead letter, which keeps its bytes.
        #expect(text.hasPrefix(#"{"line":1,"topic":"postgres.eav.entity_values_ts","partition":2,"offset":9,"key":1,"dead_letter":"#))
        #expect(text.hasSuffix(String(decoding: letter.json(), as: UTF8.self) + "}"))
        #expect(text.contains(#""key_base64":"MQ==","value_base64":"eyJ0ZW5hbnRfaWQiOjEs""#))
    }

    /// Reads the NDJSON with Python's json and base64 modules (strict alphabet and padding) and
    /// prints each record's key and value as hex, checking the member order on the way.
    private static let oracle = #"""
        import base64, binascii, json, sys
        order = ["batch", "topic", "partition", "offset", "timestamp_ms", "reason", "message", "key_base64", "value_base64"]
        for line in open(sys.argv[1], "rb").read().split(b"\n")[:-1]:
            obj = json.loads(line)
            assert list(obj) == order, list(obj)
            out = []
            for name in ("key_base64", "value_base64"):
                text = obj[name]
                out.append("null" if text is None else binascii.hexlify(base64.b64decode(text, validate=True)).decode())
            print(" ".join(out))
        """#
}
