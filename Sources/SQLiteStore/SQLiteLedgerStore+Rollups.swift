import CostLedger
import Pricing

// The rollup queries of the SQLite store: each one reads one rollup table over a range of its
// time units.
extension SQLiteLedgerStore {
    public func forEachDailyRollup(days: Range<Int64>, _ body: (Int64, UsageKey, UsageTotals) throws -> Void) async throws {
        try await gate.run {
        let version = try connection.integer("PRAGMA user_version")
        guard let sums = SQLiteSchema.dailySelect(fileVersion: version) else {
            throw LedgerError(
                .storage,
                "\(connection.path): schema version \(version): its daily rollup lacks the sums of section 11 (token kinds, web searches, "
                    + "unknown models, provider costs); a command that writes (ingest, serve) rebuilds it from the events, "
                    + "after which it can be read read-only")
        }
        let s = try connection.prepare("SELECT day, key_id, \(sums) FROM rollup_daily WHERE day >= ?1 AND day < ?2")
        s.bind(1, days.lowerBound)
        s.bind(2, days.upperBound)
        var keys = keyDirectory.all
        while try s.step() {
            let number = s.int64(1)
            if keys[number] == nil {
                try keyDirectory.refresh(connection)
                keys = keyDirectory.all
            }
            guard let key = keys[number] else { throw LedgerError(.corruptRow, "rollup_daily names usage key \(number), which does not exist") }
            try body(s.int64(0), key, UsageTotals(rollupColumn: { s.int64($0 + 2) }))
        }
        }
    }

    public func forEachQuarterHourRollup(buckets: Range<Int64>, _ body: (Int64, SpendKey, SpendTotals) throws -> Void) async throws {
        try await gate.run {
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
    }

    public func forEachConversation(before bucket: Int64, _ body: (ConversationKey, Int64, SpendTotals) throws -> Void) async throws {
        try await gate.run {
            // All-time totals, less what the quarter hours from `bucket` on added (none, for a report
            // of the present: that part is found through the bucket index).
            // Summed here rather than with GROUP BY, which SQLite would answer by walking the whole
            // table in primary-key order instead of searching the bucket index.
            var later: [ConversationKey: SpendTotals] = [:]
            let after = try connection.prepare(
                "SELECT tenant_id, conversation_id, requests, cost_nanos FROM rollup_conversation WHERE bucket >= ?1")
            after.bind(1, bucket)
            while try after.step() {
                later[ConversationKey(tenantID: after.string(0) ?? "", conversationID: after.string(1) ?? ""), default: SpendTotals()].add(
                    SpendTotals(requests: after.int64(2), cost: Money(nanos: after.int64(3))))
            }
            let lastBefore = try connection.prepare(
                "SELECT max(bucket) FROM rollup_conversation WHERE tenant_id = ?1 AND conversation_id = ?2 AND bucket < ?3")
            let s = try connection.prepare("SELECT tenant_id, conversation_id, requests, cost_nanos, last_bucket FROM conversation_total")
            while try s.step() {
                let key = ConversationKey(tenantID: s.string(0) ?? "", conversationID: s.string(1) ?? "")
                var totals = SpendTotals(requests: s.int64(2), cost: Money(nanos: s.int64(3)))
                var last = s.int64(4)
                if let laterTotals = later[key] {
                    totals.requests -= laterTotals.requests
                    totals.cost = totals.cost - laterTotals.cost
                    guard totals.requests > 0 else { continue }
                    lastBefore.bind(1, key.tenantID)
                    lastBefore.bind(2, key.conversationID)
                    lastBefore.bind(3, bucket)
                    guard try lastBefore.step(), !lastBefore.isNull(0) else {
                        throw LedgerError(.corruptRow, "conversation_total of \(key.conversationID) does not match rollup_conversation")
                    }
                    last = lastBefore.int64(0)
                    lastBefore.reset()
                }
                try body(key, last, totals)
            }
        }
    }

    public func forEachPromptCacheRollup(
        buckets: Range<Int64>, minimumRequests: Int64, _ body: (PromptCacheKey, PromptCacheTotals) throws -> Void
    ) async throws {
        try await gate.run {
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
    }

    public func forEachRequestKeyTotal(
        days: Range<Int64>, minimumRequests: Int64, _ body: (RequestKeyKey, SpendTotals) throws -> Void
    ) async throws {
        try await gate.run {
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
    }

    public func requestKeyTotal(_ key: RequestKeyKey, days: Range<Int64>) async throws -> SpendTotals {
        try await gate.run {
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
    }

    public func forEachHistogramRollup(days: Range<Int64>, _ body: (Int64, HistogramKey, Int, TokenCount) throws -> Void) async throws {
        try await gate.run {
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
}
