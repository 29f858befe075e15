import CDC

/// The same rows of `SnapshotTable.typesYAML` in each text format, and how they render.
enum SnapshotTypeRows {
    static let csvHeader = [
        "id", "flag", "ratio", "amount", "small", "code", "doc", "uid", "day", "local_at", "at", "clock", "clock_utc", "blob", "Label Text",
    ]

    static let csv = csvHeader.joined(separator: ",") + "\r\n"
        + "1,t,1.5,-12345.678,999.99,abc,\"{\"\"a\"\":[1,2]}\",0E984725-C51C-4BF4-9960-E1C80E27ABA0,2026-11-20,"
        + "2026-11-20 17:42:01.5,2026-11-20T17:42:01+05:45,17:42:01.123456,17:42:01-01:00,AAEC/w==,\"x, y\"\r\n"
        + "2,,,,,,,,,,,,,,\r\n"
        + "+3, FALSE ,NaN,1e3,-0.5,\"\",\"\"\"hi\"\"\",00000000-0000-0000-0000-000000000000,-0044-03-15,1969-12-31T23:59:59.999999,"
        + "2016-12-31 23:59:60+00,00:00,23:59:59.999999Z,\"\",\"\"\r\n"

    /// The rows as NDJSON: keys in another order, an undeclared key, `null`s and absent keys.
    static let ndjson = """
        {"Label Text":"x, y","id":1,"flag":true,"ratio":1.5,"amount":"-12345.678","small":999.99,"code":"abc","doc":{"a":[1,2]},\
        "uid":"0E984725-C51C-4BF4-9960-E1C80E27ABA0","day":"2026-11-20","local_at":"2026-11-20 17:42:01.5",\
        "at":"2026-11-20T17:42:01+05:45","clock":"17:42:01.123456","clock_utc":"17:42:01-01:00","blob":"AAEC/w==","extra":[1]}
        {"id":2,"flag":null}\r
        {"id":3,"flag":false,"ratio":"NaN","amount":1e3,"small":"-0.5","code":"","doc":"hi","uid":"00000000-0000-0000-0000-000000000000",\
        "day":"-0044-03-15","local_at":"1969-12-31T23:59:59.999999","at":"2016-12-31 23:59:60+00","clock":"00:00",\
        "clock_utc":"23:59:59.999999Z","blob":"","Label Text":""}

        """

    static let expected = [
        #"{"id":1,"flag":true,"ratio":1.5,"amount":"-12345.67800","small":"999.99","code":"abc","doc":{"a":[1,2]},"#
            + #""uid":"0e984725-c51c-4bf4-9960-e1c80e27aba0","day":"2026-11-20","local_at":"2026-11-20T17:42:01.500000","#
            + #""at":"2026-11-20T11:57:01.000000Z","clock":"17:42:01.123456","clock_utc":"18:42:01.000000Z","blob":"AAEC/w==","#
            + #""label":"x, y"}"#,
        #"{"id":2,"flag":null,"ratio":null,"amount":null,"small":null,"code":null,"doc":null,"uid":null,"day":null,"#
            + #""local_at":null,"at":null,"clock":null,"clock_utc":null,"blob":null,"label":null}"#,
        #"{"id":3,"flag":false,"ratio":"NaN","amount":"1000.00000","small":"-0.50","code":"","doc":"hi","#
            + #""uid":"00000000-0000-0000-0000-000000000000","day":"-0044-03-15","local_at":"1969-12-31T23:59:59.999999","#
            + #""at":"2017-01-01T00:00:00.000000Z","clock":"00:00:00.000000","clock_utc":"23:59:59.999999Z","blob":"","label":""}"#,
    ]

    /// A bad text value per column and the reason it must get.
    static let badValues: [(column: String, text: String, reason: DeadLetterReason)] = [
        ("id", "12abc", .typeMismatch), ("id", "99999999999999999999", .typeMismatch), ("id", "1.5", .typeMismatch),
        ("flag", "maybe", .typeMismatch), ("ratio", "one", .typeMismatch), ("ratio", "1.5.5", .typeMismatch),
        ("amount", "1.000001", .decimalOverflow), ("small", "1000", .decimalOverflow), ("amount", "12x", .typeMismatch),
        ("code", "123456789", .valueTooLong), ("doc", "\"{\"\"a\"\":\"", .invalidValue),
        ("uid", "0e984725-c51c-4bf4-9960-e1c80e27aba", .invalidValue), ("day", "2026-02-30", .badTimestamp),
        ("day", "20261120", .badTimestamp), ("local_at", "2026-11-20T00:00:00Z", .badTimestamp),
        ("at", "2026-11-20T00:00:00", .badTimestamp), ("at", "2026-11-20T00:00:00+19:00", .badTimestamp),
        ("clock", "25:00", .badTimestamp), ("clock_utc", "10:00", .badTimestamp), ("blob", "@@", .badBase64),
        ("Label Text", "\"a\u{0}b\"", .invalidValue),
    ]
}
