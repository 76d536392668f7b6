import CSQLite
import Pricing

/// The embedded ledger store: one SQLite file in WAL mode with `synchronous=FULL`, so a committed
/// transaction survives a crash or power loss.
///
/// The `events` table is append-only: triggers abort any `UPDATE` or `DELETE`. Each row keeps
/// the normalised event, its cost in nano-USD, the price row, the estimated and free-quota flags,
/// its sequence number and its chain hash.
public final class SQLiteLedgerStore: LedgerStore {
    static let schemaVersion: Int64 = 1

    private let connection: SQLiteConnection
    private let statements: Statements

    /// Opens (creating when needed) the ledger at `path`.
    public init(path: String) throws(LedgerError) {
        connection = try SQLiteConnection(path: path)
        try connection.execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;")
        try Self.migrate(connection)
        statements = try Statements(connection: connection)
    }

    private static func migrate(_ connection: SQLiteConnection) throws(LedgerError) {
        let version = try connection.integer("PRAGMA user_version")
        if version == Self.schemaVersion { return }
        guard version == 0 else {
            throw LedgerError(.storage, "\(connection.path): schema version \(version) is newer than this costledger (\(Self.schemaVersion))")
        }
        try connection.execute(
            """
            BEGIN IMMEDIATE;
            CREATE TABLE IF NOT EXISTS events (
                seq INTEGER PRIMARY KEY,
                id TEXT NOT NULL UNIQUE,
                ts_ms INTEGER NOT NULL,
                tenant_id TEXT NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN ('llm', 'api')),
                worker TEXT NOT NULL,
                operation TEXT NOT NULL,
                conversation_id TEXT,
                provider TEXT,
                model TEXT,
                input_tokens INTEGER,
                output_tokens INTEGER,
                cached_tokens INTEGER,
                cache_write_tokens INTEGER,
                batch INTEGER,
                prompt_fingerprint TEXT,
                service TEXT,
                units INTEGER,
                request_key TEXT,
                status TEXT NOT NULL CHECK (status IN ('success', 'error')),
                cost_nanos INTEGER NOT NULL,
                price_ref TEXT,
                estimated INTEGER NOT NULL,
                free_quota INTEGER NOT NULL,
                hash BLOB NOT NULL
            );
            CREATE INDEX IF NOT EXISTS events_by_time ON events (ts_ms);
            CREATE TRIGGER IF NOT EXISTS events_append_only_update BEFORE UPDATE ON events
            BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: events cannot be updated'); END;
            CREATE TRIGGER IF NOT EXISTS events_append_only_delete BEFORE DELETE ON events
            BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: events cannot be deleted'); END;
            CREATE TABLE IF NOT EXISTS quota_usage (
                service TEXT NOT NULL,
                operation TEXT NOT NULL,
                tenant_id TEXT NOT NULL,
                month TEXT NOT NULL,
                used INTEGER NOT NULL,
                PRIMARY KEY (service, operation, tenant_id, month)
            ) WITHOUT ROWID;
            PRAGMA user_version = \(Self.schemaVersion);
            COMMIT;
            """)
    }

    public func write<Result>(_ body: (any LedgerWriteTransaction) throws -> Result) throws -> Result {
        try connection.execute("BEGIN IMMEDIATE")
        do {
            let result = try body(SQLiteWriteTransaction(statements: statements))
            try connection.execute("COMMIT")
            return result
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
    }

    public func forEachRecord(_ query: RecordQuery, _ body: (LedgerRecord) throws -> Void) throws {
        let order = query.order == .sequence ? "seq" : "ts_ms, seq"
        let statement = try connection.prepare(
            "SELECT \(Statements.columns) FROM events WHERE (?1 IS NULL OR ts_ms >= ?1) AND (?2 IS NULL OR ts_ms < ?2) "
                + "AND (?3 IS NULL OR tenant_id = ?3) ORDER BY \(order)")
        if let from = query.from { statement.bind(1, from.millis) }
        if let to = query.to { statement.bind(2, to.millis) }
        statement.bind(3, query.tenantID)
        while try statement.step() {
            try body(try Statements.record(from: statement))
        }
    }

    public func recordCount() throws -> Int64 {
        try connection.integer("SELECT count(*) FROM events")
    }
}

/// The prepared statements of the write path, made once per connection.
private final class Statements {
    static let columns =
        "seq, id, ts_ms, tenant_id, kind, worker, operation, conversation_id, provider, model, input_tokens, "
        + "output_tokens, cached_tokens, cache_write_tokens, batch, prompt_fingerprint, service, units, request_key, "
        + "status, cost_nanos, price_ref, estimated, free_quota, hash"

    let insert: SQLiteStatement
    let byID: SQLiteStatement
    let tail: SQLiteStatement
    let quotaUsed: SQLiteStatement
    let setQuotaUsed: SQLiteStatement
    let connection: SQLiteConnection

    init(connection: SQLiteConnection) throws(LedgerError) {
        self.connection = connection
        insert = try connection.prepare(
            "INSERT INTO events (\(Self.columns)) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
                + "?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25) ON CONFLICT (id) DO NOTHING")
        byID = try connection.prepare("SELECT \(Self.columns) FROM events WHERE id = ?1")
        tail = try connection.prepare("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1")
        quotaUsed = try connection.prepare(
            "SELECT used FROM quota_usage WHERE service = ?1 AND operation = ?2 AND tenant_id = ?3 AND month = ?4")
        setQuotaUsed = try connection.prepare(
            "INSERT INTO quota_usage (service, operation, tenant_id, month, used) VALUES (?1, ?2, ?3, ?4, ?5) "
                + "ON CONFLICT (service, operation, tenant_id, month) DO UPDATE SET used = excluded.used")
    }

    func bind(_ record: LedgerRecord) {
        let s = insert
        s.reset()
        let event = record.event
        s.bind(1, record.sequence)
        s.bind(2, event.id)
        s.bind(3, event.timestamp.millis)
        s.bind(4, event.tenantID)
        s.bind(5, event.kind.rawValue)
        s.bind(6, event.worker)
        s.bind(7, event.operation)
        s.bind(8, event.conversationID)
        switch event.usage {
        case .llm(let call):
            s.bind(9, call.provider)
            s.bind(10, call.model)
            s.bind(11, call.tokens.inputTokens)
            s.bind(12, call.tokens.outputTokens)
            s.bind(13, call.tokens.cachedTokens)
            s.bind(14, call.tokens.cacheWriteTokens)
            s.bind(15, call.tokens.batch)
            s.bind(16, call.promptFingerprint)
            s.bind(20, call.status.rawValue)
        case .api(let call):
            s.bind(17, call.service)
            s.bind(18, call.units)
            s.bind(19, call.requestKey)
            s.bind(20, call.status.rawValue)
        }
        s.bind(21, record.pricing.cost.nanos)
        s.bind(22, record.pricing.priceReference)
        s.bind(23, record.pricing.estimated)
        s.bind(24, record.pricing.freeQuota)
        s.bind(25, record.hash.bytes)
    }

    /// Rebuilds a record from a row selected with ``columns``.
    static func record(from s: SQLiteStatement) throws(LedgerError) -> LedgerRecord {
        let sequence = s.int64(0)
        func text(_ column: Int32) throws(LedgerError) -> String {
            guard let value = s.string(column) else {
                throw LedgerError(.corruptRow, "event at sequence \(sequence) has no value in column \(column)")
            }
            return value
        }
        guard let status = CallStatus(rawValue: try text(19)) else {
            throw LedgerError(.corruptRow, "event at sequence \(sequence) has an unknown status")
        }
        let usage: UsageEvent.Usage
        switch try text(4) {
        case "llm":
            let tokens = LLMUsage(
                inputTokens: s.int64(10), outputTokens: s.int64(11), cachedTokens: s.int64(12),
                cacheWriteTokens: s.int64(13), batch: s.int64(14) != 0)
            usage = .llm(LLMCall(provider: try text(8), model: try text(9), tokens: tokens, promptFingerprint: s.string(15), status: status))
        case "api":
            usage = .api(APICall(service: try text(16), units: s.int64(17), status: status, requestKey: s.string(18)))
        default:
            throw LedgerError(.corruptRow, "event at sequence \(sequence) has an unknown kind")
        }
        let event = UsageEvent(
            id: try text(1), timestamp: Timestamp(millis: s.int64(2)), tenantID: try text(3), worker: try text(5),
            operation: try text(6), conversationID: s.string(7), usage: usage)
        let pricing = EventPricing(
            cost: Money(nanos: s.int64(20)), priceReference: s.string(21), estimated: s.int64(22) != 0,
            freeQuota: s.int64(23) != 0)
        return LedgerRecord(sequence: sequence, event: event, pricing: pricing, hash: ChainHash(bytes: s.blob(24)))
    }
}

private struct SQLiteWriteTransaction: LedgerWriteTransaction {
    let statements: Statements

    func tail() throws -> (sequence: Int64, hash: ChainHash) {
        let s = statements.tail
        defer { s.reset() }
        guard try s.step() else { return (0, .genesis) }
        return (s.int64(0), ChainHash(bytes: s.blob(1)))
    }

    func insertIfNew(_ record: LedgerRecord) throws -> Bool {
        statements.bind(record)
        let status = statements.insert.run()
        guard status == SQLITE_DONE else { throw statements.connection.error("cannot append event \(record.event.id)") }
        return sqlite3_changes(statements.connection.handle) == 1
    }

    func record(id: String) throws -> LedgerRecord? {
        let s = statements.byID
        defer { s.reset() }
        s.bind(1, id)
        guard try s.step() else { return nil }
        return try Statements.record(from: s)
    }

    func quotaUsed(_ pool: QuotaPool) throws -> Int64 {
        let s = statements.quotaUsed
        defer { s.reset() }
        bind(pool, to: s)
        return try s.step() ? s.int64(0) : 0
    }

    func setQuotaUsed(_ pool: QuotaPool, to used: Int64) throws {
        let s = statements.setQuotaUsed
        bind(pool, to: s)
        s.bind(5, used)
        guard s.run() == SQLITE_DONE else { throw statements.connection.error("cannot update quota usage") }
    }

    private func bind(_ pool: QuotaPool, to s: SQLiteStatement) {
        s.bind(1, pool.service)
        s.bind(2, pool.operation)
        s.bind(3, pool.tenantID)
        s.bind(4, pool.month)
    }
}
