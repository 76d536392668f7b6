import CSQLite
import CostLedger
import Pricing

/// The prepared statements of the write path, made once per connection.
final class Statements {
    /// The columns a record is read from (``LedgerRecord/init(stored:)``), and written to.
    static let columns = recordColumns(fileVersion: SQLiteSchema.version)

    /// The record columns (``LedgerRecord/storedColumns``) of a file of `fileVersion` (see
    /// ``SQLiteSchema/addedColumnsSelect(fileVersion:)``).
    static func recordColumns(fileVersion: Int64) -> String {
        LedgerRecord.storedColumns.prefix(25).joined(separator: ", ") + ", " + SQLiteSchema.addedColumnsSelect(fileVersion: fileVersion)
    }

    let insert: SQLiteStatement
    /// The stored records among the ids of a JSON array (one statement for a whole batch).
    let byIDs: SQLiteStatement
    /// The last record of each kind (events, closes, adjustments), the last first.
    let tail: SQLiteStatement
    let lastClosedMonth: SQLiteStatement
    let earliestEvent: SQLiteStatement
    let insertClose: SQLiteStatement
    let insertAdjustment: SQLiteStatement
    let adjustmentsOfEvents: SQLiteStatement
    let quotaUsed: SQLiteStatement
    let setQuotaUsed: SQLiteStatement
    let insertUsageKey: SQLiteStatement
    let addDaily: SQLiteStatement
    let addQuarterHour: SQLiteStatement
    let addConversation: SQLiteStatement
    let addConversationTotal: SQLiteStatement
    let addHistogram: SQLiteStatement
    let addPromptCache: SQLiteStatement
    let addRequestKey: SQLiteStatement
    let connection: SQLiteConnection

    init(connection: SQLiteConnection) throws(LedgerError) {
        self.connection = connection
        let placeholders = (1...(25 + SQLiteSchema.addedColumns.count)).map { "?\($0)" }.joined(separator: ", ")
        insert = try connection.prepare("INSERT INTO events (\(Self.columns)) VALUES (\(placeholders))")
        byIDs = try connection.prepare("SELECT \(Self.columns) FROM events WHERE id IN (SELECT value FROM json_each(?1))")
        tail = try connection.prepare(
            ["events", "closes", "adjustments"].map { "SELECT * FROM (SELECT seq, hash FROM \($0) ORDER BY seq DESC LIMIT 1)" }
                .joined(separator: " UNION ALL ") + " ORDER BY seq DESC LIMIT 1")
        lastClosedMonth = try connection.prepare("SELECT max(month) FROM closes")
        earliestEvent = try connection.prepare("SELECT min(ts_ms) FROM events WHERE ts_ms >= ?1 AND ts_ms < ?2")
        insertClose = try connection.prepare(
            "INSERT INTO closes (\(CloseRecord.storedColumns.joined(separator: ", "))) VALUES (?1, ?2, ?3, ?4)")
        insertAdjustment = try connection.prepare(
            "INSERT INTO adjustments (\(AdjustmentRecord.storedColumns.joined(separator: ", "))) VALUES ("
                + (1...AdjustmentRecord.storedColumns.count).map { "?\($0)" }.joined(separator: ", ") + ")")
        adjustmentsOfEvents = try connection.prepare(
            "SELECT \(AdjustmentRecord.storedColumns.joined(separator: ", ")) FROM adjustments WHERE adjusts_seq BETWEEN ?1 AND ?2 ORDER BY seq")
        quotaUsed = try connection.prepare(
            "SELECT used FROM quota_usage WHERE service = ?1 AND operation = ?2 AND tenant_id = ?3 AND month = ?4")
        setQuotaUsed = try connection.prepare(
            "INSERT INTO quota_usage (service, operation, tenant_id, month, used) VALUES (?1, ?2, ?3, ?4, ?5) "
                + "ON CONFLICT (service, operation, tenant_id, month) DO UPDATE SET used = excluded.used")
        insertUsageKey = try connection.prepare(
            "INSERT INTO usage_key (tenant_id, kind, worker, operation, provider, model, service, status, batch) "
                + "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")
        // ?1 day, ?2 key_id, then the sums, each added to the stored one.
        let sums = SQLiteSchema.dailySums.enumerated()
        addDaily = try connection.prepare(
            "INSERT INTO rollup_daily (day, key_id, \(SQLiteSchema.dailySums.joined(separator: ", "))) VALUES (?1, ?2, "
                + sums.map { "?\($0.offset + 3)" }.joined(separator: ", ") + ") ON CONFLICT DO UPDATE SET "
                + sums.map { "\($0.element) = \($0.element) + ?\($0.offset + 3)" }.joined(separator: ", "))
        addQuarterHour = try connection.prepare(
            "INSERT INTO rollup_quarter_hour VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                + "ON CONFLICT DO UPDATE SET requests = requests + ?5, cost_nanos = cost_nanos + ?6")
        addConversation = try connection.prepare(
            "INSERT INTO rollup_conversation VALUES (?1, ?2, ?3, ?4, ?5) "
                + "ON CONFLICT DO UPDATE SET requests = requests + ?4, cost_nanos = cost_nanos + ?5")
        addConversationTotal = try connection.prepare(
            "INSERT INTO conversation_total VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO UPDATE SET "
                + "requests = requests + ?3, cost_nanos = cost_nanos + ?4, last_bucket = max(last_bucket, ?5)")
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
            let tokens = call.tokens
            s.bind(26, tokens.cacheWrite1hTokens)
            s.bind(27, tokens.inputAudioTokens)
            s.bind(28, tokens.inputImageTokens)
            s.bind(29, tokens.outputAudioTokens)
            s.bind(30, tokens.outputImageTokens)
            s.bind(31, tokens.reasoningTokens)
            s.bind(32, tokens.webSearchRequests)
            s.bind(33, tokens.serviceTier.rawValue)
            if let cost = call.providerCost { s.bind(34, cost.nanos) }
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
        if let month = record.lateBillingMonth { s.bind(35, month.index) }
    }
}

