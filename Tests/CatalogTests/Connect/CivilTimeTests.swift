import Catalog
import MillraceTesting
import Testing

@Suite("Civil time")
struct CivilTimeTests {
    @Test("days and dates round-trip, checked against Python's proleptic Gregorian calendar")
    func againstPython() async throws {
        let days: [Int64] = [-719_162, -141_428, -1, 0, 1, 59, 10_956, 11_016, 19_723, 20_412, 2_932_896]
        let output = try await Subprocess.python(
            """
            import datetime, sys
            for d in sys.argv[1:]:
                print((datetime.date(1970, 1, 1) + datetime.timedelta(days=int(d))).isoformat())
            """,
            arguments: days.map(String.init)
        )
        let expected = output.split(separator: "\n").map(String.init)
        #expect(expected.count == days.count)
        for (day, iso) in zip(days, expected) {
            var writer = JSONWriter()
            CivilTime.formatDate(days: day, into: &writer)
            #expect(writer.text == iso)
            let (year, month, dayOfMonth) = CivilTime.civil(days: day)
            #expect(CivilTime.days(year: year, month: month, day: dayOfMonth) == day)
        }
    }

    @Test("timestamps print in ISO-8601 with microseconds, before and after 1970")
    func timestamps() {
        #expect(CivilTime.isoTimestamp(micros: 0) == "1970-01-01T00:00:00.000000Z")
        #expect(CivilTime.isoTimestamp(micros: -1) == "1969-12-31T23:59:59.999999Z")
        #expect(CivilTime.isoTimestamp(micros: 1_483_228_799_999_999) == "2016-12-31T23:59:59.999999Z")
        var writer = JSONWriter()
        CivilTime.formatDate(days: CivilTime.minimumDays, into: &writer)
        #expect(writer.text == "-4712-01-01")
    }

    @Test("floor division rounds toward negative infinity")
    func floorDivision() {
        #expect(Int64(-1).floorDivided(by: 1000) == (-1, 999))
        #expect(Int64(1999).floorDivided(by: 1000) == (1, 999))
        #expect(Int64(-2000).floorDivided(by: 1000) == (-2, 0))
    }

    @Test("base64 and two's complement match Python")
    func base64() async throws {
        let values: [Int128] = [0, 1, -1, 127, 128, -128, -129, 15_000_000_000, -15_000_000_000, Int128(Int64.max) * 1000]
        let output = try await Subprocess.python(
            """
            import base64, sys
            for v in map(int, sys.argv[1:]):
                n = (v + (v < 0)).bit_length() // 8 + 1
                print(base64.b64encode(v.to_bytes(n, 'big', signed=True)).decode())
            """,
            arguments: values.map { String($0) }
        )
        let expected = output.split(separator: "\n").map(String.init)
        for (value, text) in zip(values, expected) {
            #expect(Base64Encoding.encode(Base64Encoding.twosComplementBytes(value)) == text, "\(value)")
        }
    }
}
