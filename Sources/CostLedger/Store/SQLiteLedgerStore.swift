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
    /// Read statements that run many times, prepared once.
    private var preparedReads: [String: SQLiteStatement] = [:]

    /// Opens (creating when needed) the ledger at `path`.
    /// - Parameter pageCacheMiB: SQLite's page cache; ingest wants a large one, reports a small one.
    public init(path: String, pageCacheMiB: Int = 64) throws(LedgerError) {
        connection = try SQLiteConnection(path: path)
        try connection.execute(
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-\(pageCacheMiB * 1024); PRAGMA temp_store=MEMORY;")
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
            CREATE TABLE IF NOT EXISTS rollup_daily (
                day INTEGER NOT NULL,
                tenant_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                worker TEXT NOT NULL,
                operation TEXT NOT NULL,
                provider TEXT NOT NULL,
                model TEXT NOT NULL,
                service TEXT NOT NULL,
                status TEXT NOT NULL,
                batch INTEGER NOT NULL,
                requests INTEGER NOT NULL,
                input_tokens INTEGER NOT NULL,
                output_tokens INTEGER NOT NULL,
                cached_tokens INTEGER NOT NULL,
                cache_write_tokens INTEGER NOT NULL,
                units INTEGER NOT NULL,
                cost_nanos INTEGER NOT NULL,
                estimated_requests INTEGER NOT NULL,
                unpriced_requests INTEGER NOT NULL,
                free_quota_requests INTEGER NOT NULL,
                PRIMARY KEY (day, tenant_id, kind, worker, operation, provider, model, service, status, batch)
            ) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS rollup_quarter_hour (
                bucket INTEGER NOT NULL,
                tenant_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                source TEXT NOT NULL,
                requests INTEGER NOT NULL,
                cost_nanos INTEGER NOT NULL,
                PRIMARY KEY (bucket, tenant_id, kind, source)
            ) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS rollup_conversation (
                bucket INTEGER NOT NULL,
                tenant_id TEXT NOT NULL,
                conversation_id TEXT NOT NULL,
                requests INTEGER NOT NULL,
                cost_nanos INTEGER NOT NULL,
                PRIMARY KEY (tenant_id, conversation_id, bucket)
            ) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS rollup_token_histogram (
                day INTEGER NOT NULL,
                provider TEXT NOT NULL,
                model TEXT NOT NULL,
                operation TEXT NOT NULL,
                bucket_index INTEGER NOT NULL,
                requests INTEGER NOT NULL,
                tokens INTEGER NOT NULL,
                PRIMARY KEY (day, provider, model, operation, bucket_index)
            ) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS rollup_prompt_cache (
                bucket INTEGER NOT NULL,
                tenant_id TEXT NOT NULL,
                provider TEXT NOT NULL,
                model TEXT NOT NULL,
                fingerprint TEXT NOT NULL,
                requests INTEGER NOT NULL,
                uncached_tokens INTEGER NOT NULL,
                first_ms INTEGER NOT NULL,
                first_uncached_tokens INTEGER NOT NULL,
                PRIMARY KEY (bucket, tenant_id, provider, model, fingerprint)
            ) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS rollup_request_key (
                day INTEGER NOT NULL,
                tenant_id TEXT NOT NULL,
                service TEXT NOT NULL,
                operation TEXT NOT NULL,
                request_key TEXT NOT NULL,
                requests INTEGER NOT NULL,
                cost_nanos INTEGER NOT NULL,
                PRIMARY KEY (tenant_id, service, operation, request_key, day)
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
        // Only the conditions that apply, so SQLite can search the time index instead of walking it.
        var time: [String] = []
        if query.from != nil { time.append("ts_ms >= ?1") }
        if query.to != nil { time.append("ts_ms < ?2") }
        var conditions = time
        if query.tenantID != nil { conditions.append("tenant_id = ?3") }
        var order = "ts_ms, seq"
        if query.order == .sequence {
            order = "seq"
            // In ledger order, bound the rowid scan by the sequence numbers the time range holds
            // (found through the index) rather than sorting the range in memory.
            if !time.isEmpty {
                let bounds = try connection.prepare("SELECT min(seq), max(seq) FROM events WHERE " + time.joined(separator: " AND "))
                bind(query, to: bounds, tenant: false)
                guard try bounds.step(), !bounds.isNull(0) else { return }
                conditions.append("seq BETWEEN \(bounds.int64(0)) AND \(bounds.int64(1))")
            }
        }
        let statement = try connection.prepare(
            "SELECT \(Statements.columns) FROM events" + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "))
                + " ORDER BY \(order)")
        bind(query, to: statement, tenant: true)
        while try statement.step() {
            try body(try Statements.record(from: statement))
        }
    }

    private func preparedRead(_ sql: String) throws(LedgerError) -> SQLiteStatement {
        if let statement = preparedReads[sql] { return statement }
        let statement = try connection.prepare(sql)
        preparedReads[sql] = statement
        return statement
    }

    private func bind(_ query: RecordQuery, to statement: SQLiteStatement, tenant: Bool) {
        if let from = query.from { statement.bind(1, from.millis) }
        if let to = query.to { statement.bind(2, to.millis) }
        if tenant, let tenantID = query.tenantID { statement.bind(3, tenantID) }
    }

    public func recordCount() throws -> Int64 {
        try connection.integer("SELECT count(*) FROM events")
    }

    public func forEachDailyRollup(days: Range<Int64>, _ body: (Int64, UsageKey, UsageTotals) throws -> Void) throws {
        let s = try connection.prepare(
            "SELECT day, tenant_id, kind, worker, operation, provider, model, service, status, requests, input_tokens, "
                + "output_tokens, cached_tokens, cache_write_tokens, units, cost_nanos, estimated_requests, unpriced_requests, "
                + "free_quota_requests, batch FROM rollup_daily WHERE day >= ?1 AND day < ?2")
        s.bind(1, days.lowerBound)
        s.bind(2, days.upperBound)
        while try s.step() {
            guard let kind = EventKind(rawValue: s.string(2) ?? ""), let status = CallStatus(rawValue: s.string(8) ?? "") else {
                throw LedgerError(.corruptRow, "rollup_daily has a row with an unknown kind or status")
            }
            let key = UsageKey(
                tenantID: s.string(1) ?? "", kind: kind, worker: s.string(3) ?? "", operation: s.string(4) ?? "",
                provider: s.string(5) ?? "", model: s.string(6) ?? "", service: s.string(7) ?? "", status: status,
                batch: s.int64(19) != 0)
            var totals = UsageTotals()
            totals.requests = s.int64(9)
            totals.inputTokens = s.int64(10)
            totals.outputTokens = s.int64(11)
            totals.cachedTokens = s.int64(12)
            totals.cacheWriteTokens = s.int64(13)
            totals.units = s.int64(14)
            totals.cost = Money(nanos: s.int64(15))
            totals.estimatedRequests = s.int64(16)
            totals.unpricedRequests = s.int64(17)
            totals.freeQuotaRequests = s.int64(18)
            try body(s.int64(0), key, totals)
        }
    }

    public func forEachQuarterHourRollup(buckets: Range<Int64>, _ body: (Int64, SpendKey, SpendTotals) throws -> Void) throws {
        let s = try connection.prepare(
            "SELECT bucket, tenant_id, kind, source, requests, cost_nanos FROM rollup_quarter_hour WHERE bucket >= ?1 AND bucket < ?2")
        s.bind(1, buckets.lowerBound)
        s.bind(2, buckets.upperBound)
        while try s.step() {
            guard let kind = EventKind(rawValue: s.string(2) ?? "") else {
                throw LedgerError(.corruptRow, "rollup_quarter_hour has a row with an unknown kind")
            }
            let key = SpendKey(tenantID: s.string(1) ?? "", kind: kind, source: s.string(3) ?? "")
            try body(s.int64(0), key, SpendTotals(requests: s.int64(4), cost: Money(nanos: s.int64(5))))
        }
    }

    public func forEachConversationRollup(buckets: Range<Int64>, _ body: (ConversationKey, Int64, SpendTotals) throws -> Void) throws {
        let s = try connection.prepare(
            "SELECT max(bucket), tenant_id, conversation_id, sum(requests), sum(cost_nanos) FROM rollup_conversation "
                + "WHERE bucket >= ?1 AND bucket < ?2 GROUP BY tenant_id, conversation_id")
        s.bind(1, buckets.lowerBound)
        s.bind(2, buckets.upperBound)
        while try s.step() {
            let key = ConversationKey(tenantID: s.string(1) ?? "", conversationID: s.string(2) ?? "")
            try body(key, s.int64(0), SpendTotals(requests: s.int64(3), cost: Money(nanos: s.int64(4))))
        }
    }

    public func forEachPromptCacheRollup(
        buckets: Range<Int64>, minimumRequests: Int64, _ body: (PromptCacheKey, PromptCacheTotals) throws -> Void
    ) throws {
        let s = try connection.prepare(
            "SELECT bucket, tenant_id, provider, model, fingerprint, requests, uncached_tokens, first_ms, first_uncached_tokens "
                + "FROM rollup_prompt_cache WHERE bucket >= ?1 AND bucket < ?2 AND requests >= ?3")
        s.bind(1, buckets.lowerBound)
        s.bind(2, buckets.upperBound)
        s.bind(3, minimumRequests)
        while try s.step() {
            let key = PromptCacheKey(
                bucket: s.int64(0), tenantID: s.string(1) ?? "", provider: s.string(2) ?? "", model: s.string(3) ?? "",
                fingerprint: s.string(4) ?? "")
            var totals = PromptCacheTotals()
            totals.requests = s.int64(5)
            totals.uncachedTokens = s.int64(6)
            totals.firstMillis = s.int64(7)
            totals.firstUncachedTokens = s.int64(8)
            try body(key, totals)
        }
    }

    public func forEachFingerprintedModel(buckets: Range<Int64>, _ body: (String, String, String) throws -> Void) throws {
        let s = try connection.prepare(
            "SELECT DISTINCT tenant_id, provider, model FROM rollup_prompt_cache WHERE bucket >= ?1 AND bucket < ?2")
        s.bind(1, buckets.lowerBound)
        s.bind(2, buckets.upperBound)
        while try s.step() { try body(s.string(0) ?? "", s.string(1) ?? "", s.string(2) ?? "") }
    }

    public func forEachRequestKeyTotal(
        days: Range<Int64>, minimumRequests: Int64, _ body: (RequestKeyKey, SpendTotals) throws -> Void
    ) throws {
        // The key leads the primary key, so the grouping streams without a sort.
        let s = try connection.prepare(
            "SELECT tenant_id, service, operation, request_key, sum(requests), sum(cost_nanos) FROM rollup_request_key "
                + "WHERE day >= ?1 AND day < ?2 GROUP BY tenant_id, service, operation, request_key HAVING sum(requests) >= ?3")
        s.bind(1, days.lowerBound)
        s.bind(2, days.upperBound)
        s.bind(3, minimumRequests)
        while try s.step() {
            let key = RequestKeyKey(tenantID: s.string(0) ?? "", service: s.string(1) ?? "", operation: s.string(2) ?? "", requestKey: s.string(3) ?? "")
            try body(key, SpendTotals(requests: s.int64(4), cost: Money(nanos: s.int64(5))))
        }
    }

    public func requestKeyTotal(_ key: RequestKeyKey, days: Range<Int64>) throws -> SpendTotals {
        let s = try preparedRead(
            "SELECT ifnull(sum(requests), 0), ifnull(sum(cost_nanos), 0) FROM rollup_request_key WHERE tenant_id = ?1 AND service = ?2 "
                + "AND operation = ?3 AND request_key = ?4 AND day >= ?5 AND day < ?6")
        defer { s.reset() }
        s.bind(1, key.tenantID)
        s.bind(2, key.service)
        s.bind(3, key.operation)
        s.bind(4, key.requestKey)
        s.bind(5, days.lowerBound)
        s.bind(6, days.upperBound)
        guard try s.step() else { return SpendTotals() }
        return SpendTotals(requests: s.int64(0), cost: Money(nanos: s.int64(1)))
    }

    public func forEachHistogramRollup(days: Range<Int64>, _ body: (Int64, HistogramKey, Int, TokenCount) throws -> Void) throws {
        let s = try connection.prepare(
            "SELECT day, provider, model, operation, bucket_index, requests, tokens FROM rollup_token_histogram WHERE day >= ?1 AND day < ?2")
        s.bind(1, days.lowerBound)
        s.bind(2, days.upperBound)
        while try s.step() {
            let key = HistogramKey(provider: s.string(1) ?? "", model: s.string(2) ?? "", operation: s.string(3) ?? "")
            try body(s.int64(0), key, Int(s.int64(4)), TokenCount(requests: s.int64(5), tokens: s.int64(6)))
        }
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
    let addDaily: SQLiteStatement
    let addQuarterHour: SQLiteStatement
    let addConversation: SQLiteStatement
    let addHistogram: SQLiteStatement
    let addPromptCache: SQLiteStatement
    let addRequestKey: SQLiteStatement
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
        addDaily = try connection.prepare(
            "INSERT INTO rollup_daily VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?20, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19) "
                + "ON CONFLICT DO UPDATE SET requests = requests + ?10, input_tokens = input_tokens + ?11, "
                + "output_tokens = output_tokens + ?12, cached_tokens = cached_tokens + ?13, "
                + "cache_write_tokens = cache_write_tokens + ?14, units = units + ?15, cost_nanos = cost_nanos + ?16, "
                + "estimated_requests = estimated_requests + ?17, unpriced_requests = unpriced_requests + ?18, "
                + "free_quota_requests = free_quota_requests + ?19")
        addQuarterHour = try connection.prepare(
            "INSERT INTO rollup_quarter_hour VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                + "ON CONFLICT DO UPDATE SET requests = requests + ?5, cost_nanos = cost_nanos + ?6")
        addConversation = try connection.prepare(
            "INSERT INTO rollup_conversation VALUES (?1, ?2, ?3, ?4, ?5) "
                + "ON CONFLICT DO UPDATE SET requests = requests + ?4, cost_nanos = cost_nanos + ?5")
        addHistogram = try connection.prepare(
            "INSERT INTO rollup_token_histogram VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
                + "ON CONFLICT DO UPDATE SET requests = requests + ?6, tokens = tokens + ?7")
        // The earliest request of a window wins (on a tie, the larger), as PromptCacheTotals.add does.
        addPromptCache = try connection.prepare(
            "INSERT INTO rollup_prompt_cache VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT DO UPDATE SET "
                + "requests = requests + ?6, uncached_tokens = uncached_tokens + ?7, "
                + "first_uncached_tokens = CASE WHEN ?8 < first_ms OR (?8 = first_ms AND ?9 > first_uncached_tokens) "
                + "THEN ?9 ELSE first_uncached_tokens END, first_ms = min(first_ms, ?8)")
        addRequestKey = try connection.prepare(
            "INSERT INTO rollup_request_key VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
                + "ON CONFLICT DO UPDATE SET requests = requests + ?6, cost_nanos = cost_nanos + ?7")
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

    func addRollups(_ delta: RollupDelta) throws {
        for (key, totals) in delta.daily {
            let s = statements.addDaily
            s.bind(1, key.day)
            s.bind(2, key.usage.tenantID)
            s.bind(3, key.usage.kind.rawValue)
            s.bind(4, key.usage.worker)
            s.bind(5, key.usage.operation)
            s.bind(6, key.usage.provider)
            s.bind(7, key.usage.model)
            s.bind(8, key.usage.service)
            s.bind(9, key.usage.status.rawValue)
            s.bind(10, totals.requests)
            s.bind(11, totals.inputTokens)
            s.bind(12, totals.outputTokens)
            s.bind(13, totals.cachedTokens)
            s.bind(14, totals.cacheWriteTokens)
            s.bind(15, totals.units)
            s.bind(16, totals.cost.nanos)
            s.bind(17, totals.estimatedRequests)
            s.bind(18, totals.unpricedRequests)
            s.bind(19, totals.freeQuotaRequests)
            s.bind(20, key.usage.batch)
            try run(s, "cannot update the daily rollup")
        }
        for (key, totals) in delta.quarterHours {
            let s = statements.addQuarterHour
            s.bind(1, key.bucket)
            s.bind(2, key.spend.tenantID)
            s.bind(3, key.spend.kind.rawValue)
            s.bind(4, key.spend.source)
            s.bind(5, totals.requests)
            s.bind(6, totals.cost.nanos)
            try run(s, "cannot update the quarter-hour rollup")
        }
        for (key, totals) in delta.conversations {
            let s = statements.addConversation
            s.bind(1, key.bucket)
            s.bind(2, key.conversation.tenantID)
            s.bind(3, key.conversation.conversationID)
            s.bind(4, totals.requests)
            s.bind(5, totals.cost.nanos)
            try run(s, "cannot update the conversation rollup")
        }
        for (key, count) in delta.tokenHistogram {
            let s = statements.addHistogram
            s.bind(1, key.day)
            s.bind(2, key.labels.provider)
            s.bind(3, key.labels.model)
            s.bind(4, key.labels.operation)
            s.bind(5, Int64(key.bucketIndex))
            s.bind(6, count.requests)
            s.bind(7, count.tokens)
            try run(s, "cannot update the token histogram rollup")
        }
        try addOptimizerRollups(delta)
    }

    private func addOptimizerRollups(_ delta: RollupDelta) throws {
        for (key, totals) in delta.promptCache {
            let s = statements.addPromptCache
            s.bind(1, key.bucket)
            s.bind(2, key.tenantID)
            s.bind(3, key.provider)
            s.bind(4, key.model)
            s.bind(5, key.fingerprint)
            s.bind(6, totals.requests)
            s.bind(7, totals.uncachedTokens)
            s.bind(8, totals.firstMillis)
            s.bind(9, totals.firstUncachedTokens)
            try run(s, "cannot update the prompt-cache rollup")
        }
        for (key, totals) in delta.requestKeys {
            let s = statements.addRequestKey
            s.bind(1, key.day)
            s.bind(2, key.key.tenantID)
            s.bind(3, key.key.service)
            s.bind(4, key.key.operation)
            s.bind(5, key.key.requestKey)
            s.bind(6, totals.requests)
            s.bind(7, totals.cost.nanos)
            try run(s, "cannot update the request-key rollup")
        }
    }

    private func run(_ s: SQLiteStatement, _ context: String) throws {
        guard s.run() == SQLITE_DONE else { throw statements.connection.error(context) }
    }

    private func bind(_ pool: QuotaPool, to s: SQLiteStatement) {
        s.bind(1, pool.service)
        s.bind(2, pool.operation)
        s.bind(3, pool.tenantID)
        s.bind(4, pool.month)
    }
}
