@testable import CDC
import Catalog
import Testing

@Suite("Value parsers")
struct ValueParsingTests {
    private func micros(_ text: String) -> Int64? {
        ISOTimestamp.micros(text)
    }

    @Test("ISO-8601 timestamps with any offset, to UTC microseconds")
    func timestamps() {
        #expect(micros("1970-01-01T00:00:00Z") == 0)
        #expect(micros("1970-01-01T00:00:00.000001Z") == 1)
        #expect(micros("1969-12-31T23:59:59.999999Z") == -1)
        #expect(micros("1970-01-01T05:45:00+05:45") == 0)
        #expect(micros("1970-01-01T00:00:00-00:01:30") == 90_000_000)
        #expect(micros("1970-01-01t00:00z") == 0)
        #expect(micros("2016-12-31T23:59:60Z") == micros("2017-01-01T00:00:00Z"))
        #expect(micros("+10000-01-01T00:00:00Z") == 253_402_300_800_000_000)
        #expect(micros("2026-02-29T00:00:00Z") == nil)
        #expect(micros("2024-02-29T00:00:00Z") != nil)
        #expect(micros("2026-11-20T00:00:00+18:01") == nil)
        #expect(micros("2026-11-20T00:00:00Z ") == nil)
        #expect(micros("-4713-12-31T00:00:00Z") == nil, "before 4713 BC")
        #expect(micros("294247-01-01T00:00:00Z") == nil, "beyond 64-bit microseconds")
    }

    @Test("the forms without an offset: dates, local timestamps, times of day")
    func localForms() {
        func parse(_ text: String, _ parser: (UnsafePointer<UInt8>, Int) throws(DecodeFailure) -> Int64) -> Int64? {
            var bytes = Array(text.utf8)
            let count = bytes.count
            return bytes.withUnsafeMutableBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return nil }
                return try? parser(base, count)
            }
        }
        #expect(parse("1970-01-01", TimeParser.date) == 0)
        #expect(parse("1969-12-31", TimeParser.date) == -1)
        #expect(parse("2024-02-29", TimeParser.date) == 19_782)
        #expect(parse("+10000-01-01", TimeParser.date) == 2_932_897)
        #expect(parse("2026-02-29", TimeParser.date) == nil)
        #expect(parse("2026-11-20T00:00:00", TimeParser.date) == nil)
        #expect(parse("-4713-12-31", TimeParser.date) == nil, "before 4713 BC")
        #expect(parse("1970-01-01 00:00:01.5", TimeParser.localTimestamp) == 1_500_000)
        #expect(parse("1969-12-31T23:59:59.9999999", TimeParser.localTimestamp) == -1, "digits beyond µs are truncated")
        #expect(parse("1970-01-01T00:00:00Z", TimeParser.localTimestamp) == nil, "an offset is not local")
        #expect(parse("1970-01-01", TimeParser.localTimestamp) == nil)
        #expect(parse("00:00", TimeParser.localTime) == 0)
        #expect(parse("23:59:59.999999", TimeParser.localTime) == 86_399_999_999)
        #expect(parse("23:59:60", TimeParser.localTime) == 86_400_000_000)
        #expect(parse("24:00:00", TimeParser.localTime) == nil)
        #expect(parse("12:00+01:00", TimeParser.localTime) == nil)
    }

    @Test("decimal text: exact at the scale, or refused")
    func decimalText() throws {
        func parse(_ text: String, _ scale: Int) -> Int128? {
            var bytes = Array(text.utf8)
            return bytes.withUnsafeMutableBufferPointer { try? DecimalCodec.parse(UnsafeBufferPointer($0), scale: scale) }
        }
        #expect(parse("12.5", 2) == 1250)
        #expect(parse("-0.001", 3) == -1)
        #expect(parse("1.2300", 2) == 123)
        #expect(parse("1.235", 2) == nil)
        #expect(parse("1e2", 0) == 100)
        #expect(parse("15E-1", 1) == 15)
        #expect(parse("99999999999999999999999999999999999999", 0) == DecimalCodec.powersOfTen[38] - 1)
        #expect(parse("100000000000000000000000000000000000000", 0) == nil)
        #expect(parse("1.00000000000000000000000000000000000000000000", 1) == 10)
        #expect(parse("abc", 0) == nil)
        #expect(parse("", 0) == nil)
        var writer = JSONWriter()
        DecimalCodec.format(-5, scale: 3, into: &writer)
        #expect(writer.text == "-0.005")
    }

    @Test("base64: padding optional, canonical trailing bits, bad characters refused")
    func base64() {
        func decode(_ text: String) -> [UInt8]? {
            var bytes = Array(text.utf8)
            let count = bytes.count
            var output: [UInt8] = []
            let valid = bytes.withUnsafeMutableBufferPointer { buffer -> Bool in
                guard let base = buffer.baseAddress else { return true }
                return Base64.decode(base, length: count) { output.append($0) }
            }
            return valid ? output : nil
        }
        #expect(decode("AAEC/w==") == [0, 1, 2, 255])
        #expect(decode("AAEC/w") == [0, 1, 2, 255])
        #expect(decode("") == [])
        #expect(decode("A") == nil)
        #expect(decode("AB==") == nil, "non-zero leftover bits")
        #expect(decode("AA=A") == nil)
        #expect(decode("A-==") == nil)
    }
}
