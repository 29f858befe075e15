public import Catalog

/// A lease held in the warehouse: at most one loader per lease name loads at a time.
///
/// The lease row carries its holder, an expiry (the warehouse's own clock, so loaders' clocks
/// never matter) and a fencing token that grows by one each time the lease changes hands. A
/// load checks the token inside its transaction (`millrace_check_load`), so a loader that lost
/// the lease while it worked cannot commit.
public struct LeaseGrant: Sendable, Hashable {
    /// The lease name.
    public var name: String
    /// The fencing token this holder got.
    public var token: Int64

    /// A grant of `name` with `token`.
    public init(name: String, token: Int64) {
        self.name = name
        self.token = token
    }
}

/// What the lease row says after an attempt to take or renew it.
public enum LeaseState: Sendable, Hashable {
    /// This loader holds the lease.
    case held(LeaseGrant)
    /// Another loader holds it until `until` (the warehouse's clock, as text).
    case heldElsewhere(holder: String, until: String)

    /// The state a lease row read back (`holder`, `token`, `expires_at`) means for `holder`.
    /// Throws when the row is missing or malformed: the attempt's transaction always leaves one.
    public static func decide(row: [String?]?, name: String, holder: String) throws(WarehouseError) -> LeaseState {
        guard let row, row.count >= 3, let rowHolder = row[0], let tokenText = row[1], let token = Int64(tokenText) else {
            throw WarehouseError(.invalidValue, "the lease row of \(name) is missing or malformed after taking it: \(String(describing: row))")
        }
        if rowHolder == holder { return .held(LeaseGrant(name: name, token: token)) }
        return .heldElsewhere(holder: rowHolder, until: row[2] ?? "?")
    }
}

/// The statements of the lease: its table, taking or renewing it, reading it back, releasing it.
public struct LeaseStatements: Sendable {
    let names: WarehouseNames
    /// The lease name (one active loader per name).
    public let name: String
    /// This loader's identity (host, process and a random suffix).
    public let holder: String
    /// How long a grant lasts without renewal.
    public let ttl: Duration

    /// The statements for lease `name` in `schema`, held by `holder` for `ttl` at a time.
    public init(dialect: SQLDialect, schema: String, name: String, holder: String, ttl: Duration) {
        names = WarehouseNames(dialect: dialect, schema: schema)
        self.name = name
        self.holder = holder
        self.ttl = ttl
    }

    /// The warehouse schema and the lease table, created when missing (each statement on its own).
    public var createTables: [String] {
        [
            "CREATE SCHEMA IF NOT EXISTS \(names.dialect.quoted(names.schema));",
            "CREATE TABLE IF NOT EXISTS \(names.lease) (name VARCHAR(128) NOT NULL PRIMARY KEY, holder VARCHAR(256) NOT NULL, "
                + "token BIGINT NOT NULL, acquired_at TIMESTAMPTZ NOT NULL, expires_at TIMESTAMPTZ NOT NULL);",
        ]
    }

    private var expiry: String { "CURRENT_TIMESTAMP + INTERVAL '\(max(1, ttl.components.seconds)) seconds'" }
    private var nameLiteral: String { SQLText.literal(name) }
    private var holderLiteral: String { SQLText.literal(holder) }

    /// One transaction: take the lease if it is free or expired (the token grows), or renew it
    /// if this loader holds it (the token stays).
    public var acquire: [String] {
        [
            names.dialect == .redshift ? "LOCK \(names.lease);" : "LOCK TABLE \(names.lease) IN EXCLUSIVE MODE;",
            "UPDATE \(names.lease) SET holder = \(holderLiteral), token = token + 1, acquired_at = CURRENT_TIMESTAMP, expires_at = \(expiry) "
                + "WHERE name = \(nameLiteral) AND holder <> \(holderLiteral) AND expires_at < CURRENT_TIMESTAMP;",
            "UPDATE \(names.lease) SET expires_at = \(expiry) WHERE name = \(nameLiteral) AND holder = \(holderLiteral);",
            "INSERT INTO \(names.lease) (name, holder, token, acquired_at, expires_at) SELECT \(nameLiteral), \(holderLiteral), 1, "
                + "CURRENT_TIMESTAMP, \(expiry) WHERE NOT EXISTS (SELECT 1 FROM \(names.lease) WHERE name = \(nameLiteral));",
        ]
    }

    /// The lease row: holder, token and expiry as text.
    public var read: String {
        "SELECT holder, CAST(token AS VARCHAR(32)), CAST(expires_at AS VARCHAR(64)) FROM \(names.lease) WHERE name = \(nameLiteral);"
    }

    /// The holder of the lease while it has not expired (no row when it is free), read only.
    public var activeHolder: String {
        "SELECT holder FROM \(names.lease) WHERE name = \(nameLiteral) AND expires_at > CURRENT_TIMESTAMP;"
    }

    /// Gives the lease up (it expires now), so a standby loader takes over at once.
    public var release: String {
        "UPDATE \(names.lease) SET expires_at = CURRENT_TIMESTAMP - INTERVAL '1 second' WHERE name = \(nameLiteral) AND holder = \(holderLiteral);"
    }
}
