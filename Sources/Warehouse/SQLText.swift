import Catalog

/// Small pieces of SQL text shared by the planner's statements.
enum SQLText {
    /// `'text'` with quotes doubled.
    static func literal(_ text: String) -> String {
        "'" + text.replacing("'", with: "''") + "'"
    }

    /// A `TIMESTAMPTZ` literal for `millis` since the epoch, UTC.
    static func timestamp(millis: Int64) -> String {
        "TIMESTAMPTZ " + literal(CivilTime.isoTimestamp(micros: millis * 1000))
    }

    /// `a."k1" = b."k1" AND a."k2" = b."k2"`.
    static func keysMatch(_ keys: [String], _ left: String, _ right: String, _ dialect: SQLDialect) -> String {
        keys.map { "\(left).\(dialect.quoted($0)) = \(right).\(dialect.quoted($0))" }.joined(separator: " AND ")
    }

    /// A comma-separated list of quoted names, each optionally prefixed with `alias.`.
    static func names(_ names: [String], _ dialect: SQLDialect, alias: String? = nil) -> String {
        names.map { (alias.map { "\($0)." } ?? "") + dialect.quoted($0) }.joined(separator: ", ")
    }
}
