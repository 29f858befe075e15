import Catalog

/// Small pieces of SQL text shared by the planner's statements. Every identifier is quoted and
/// every literal escaped here, so no plan ever splices raw text into SQL.
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

    /// `,a,b,c,`: a list the check procedure searches with `STRPOS(list, ',' || id || ',')`
    /// (batch ids hold only digits, letters and `-`).
    static func commaList(_ items: [String]) -> String {
        literal("," + items.joined(separator: ",") + ",")
    }

    /// `('a', 'b')` for `IN`.
    static func inList(_ items: [String]) -> String {
        "(" + items.map(literal).joined(separator: ", ") + ")"
    }

    /// True when `list` (a comma-separated column list column, such as `_unchanged`) names
    /// `column`: `POSITION(',c,' IN ',' || COALESCE(list, '') || ',') > 0`.
    static func listNames(_ list: String, _ column: String) -> String {
        "POSITION(\(literal("," + column + ",")) IN ',' || COALESCE(\(list), '') || ',') > 0"
    }

    /// `list` without `column`, NULL when nothing is left.
    static func listRemoving(_ list: String, _ column: String) -> String {
        "NULLIF(BTRIM(REPLACE(',' || \(list) || ',', \(literal("," + column + ",")), ','), ','), '')"
    }
}
