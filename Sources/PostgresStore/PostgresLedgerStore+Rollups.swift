import CostLedger
import PostgresNIO
import Pricing

// The rollup queries of the PostgreSQL store: each one reads one rollup table over a range of its
// time units, in its primary key's order (text in the "C" collation sorts as SQLite's BINARY).
extension PostgresLedgerStore {
    public func forEachDailyRollup(days: Range<Int64>, _ body: (Int64, UsageKey, UsageTotals) throws -> Void) async throws {
        let key = PostgresSchema.usageKeyColumns.joined(separator: ", ")
        let query = Self.range(
            "SELECT day, \(key), \(PostgresSchema.dailySums.joined(separator: ", ")) FROM rollup_daily "
                + "WHERE day >= $1 AND day < $2 ORDER BY day, \(key)", days)
        try await session.withLink { link in
            try await link.forEachRow(query, "cannot read the daily rollup") { row in
                guard let kind = EventKind(rawValue: try row.string(2) ?? ""), let status = CallStatus(rawValue: try row.string(8) ?? "")
                else { throw LedgerError(.corruptRow, "rollup_daily has a row with an unknown kind or status") }
                let usage = UsageKey(
                    tenantID: try row.string(1) ?? "", kind: kind, worker: try row.string(3) ?? "", operation: try row.string(4) ?? "",
                    provider: try row.string(5) ?? "", model: try row.string(6) ?? "", service: try row.string(7) ?? "", status: status,
                    batch: try row.bool(9))
                var sums: [Int64] = []
                sums.reserveCapacity(PostgresSchema.dailySums.count)
                for column in PostgresSchema.dailySums.indices { sums.append(try row.int64(column + 10)) }
                try body(try row.int64(0), usage, UsageTotals(rollupColumn: { sums[Int($0)] }))
            }
        }
    }

    public func forEachQuarterHourRollup(buckets: Range<Int64>, _ body: (Int64, SpendKey, SpendTotals) throws -> Void) async throws {
        let query = Self.range(
            "SELECT bucket, tenant_id, kind, source, requests, cost_nanos FROM rollup_quarter_hour "
                + "WHERE bucket >= $1 AND bucket < $2 ORDER BY bucket, tenant_id, kind, source", buckets)
        try await session.withLink { link in
            try await link.forEachRow(query, "cannot read the quarter-hour rollup") { row in
                guard let kind = EventKind(rawValue: try row.string(2) ?? "") else {
                    throw LedgerError(.corruptRow, "rollup_quarter_hour has a row with an unknown kind")
                }
                let key = SpendKey(tenantID: try row.string(1) ?? "", kind: kind, source: try row.string(3) ?? "")
                try body(try row.int64(0), key, SpendTotals(requests: try row.int64(4), cost: Money(nanos: try row.int64(5))))
            }
        }
    }

    public func forEachConversation(before bucket: Int64, _ body: (ConversationKey, Int64, SpendTotals) throws -> Void) async throws {
        // All-time totals, less what the quarter hours from `bucket` on added; for a conversation
        // they changed, the latest quarter hour before `bucket` (NULL: the two tables disagree).
        var binds = PostgresBindings()
        binds.append(bucket)
        let query = PostgresQuery(
            unsafeSQL: """
                SELECT t.tenant_id, t.conversation_id, t.requests - coalesce(l.requests, 0), t.cost_nanos - coalesce(l.cost_nanos, 0),
                    CASE WHEN l.requests IS NULL THEN t.last_bucket ELSE (
                        SELECT max(c.bucket) FROM rollup_conversation c
                        WHERE c.tenant_id = t.tenant_id AND c.conversation_id = t.conversation_id AND c.bucket < $1) END
                FROM conversation_total t LEFT JOIN (
                    SELECT tenant_id, conversation_id, sum(requests)::bigint AS requests, sum(cost_nanos)::bigint AS cost_nanos
                    FROM rollup_conversation WHERE bucket >= $1 GROUP BY tenant_id, conversation_id
                ) l ON l.tenant_id = t.tenant_id AND l.conversation_id = t.conversation_id
                WHERE l.requests IS NULL OR t.requests > l.requests
                ORDER BY t.tenant_id, t.conversation_id
                """,
            binds: binds)
        try await session.withLink { link in
            try await link.forEachRow(query, "cannot read the conversation rollup") { row in
                let key = ConversationKey(tenantID: try row.string(0) ?? "", conversationID: try row.string(1) ?? "")
                guard let last = try row.optionalInt64(4) else {
                    throw LedgerError(.corruptRow, "conversation_total of \(key.conversationID) does not match rollup_conversation")
                }
                try body(key, last, SpendTotals(requests: try row.int64(2), cost: Money(nanos: try row.int64(3))))
            }
        }
    }

    public func forEachPromptCacheRollup(
        buckets: Range<Int64>, minimumRequests: Int64, _ body: (PromptCacheKey, PromptCacheTotals) throws -> Void
    ) async throws {
        // The minimum spelled out (an integer), so that the planner can use the partial index of repeats.
        let query = Self.range(
            "SELECT bucket, tenant_id, provider, model, fingerprint, requests, uncached_tokens, first_ms, first_uncached_tokens "
                + "FROM rollup_prompt_cache WHERE bucket >= $1 AND bucket < $2 AND requests >= \(minimumRequests)", buckets)
        try await session.withLink { link in
            try await link.forEachRow(query, "cannot read the prompt-cache rollup") { row in
                let key = PromptCacheKey(
                    bucket: try row.int64(0), tenantID: try row.string(1) ?? "", provider: try row.string(2) ?? "",
                    model: try row.string(3) ?? "", fingerprint: try row.string(4) ?? "")
                var totals = PromptCacheTotals()
                totals.requests = try row.int64(5)
                totals.uncachedTokens = try row.int64(6)
                totals.firstMillis = try row.int64(7)
                totals.firstUncachedTokens = try row.int64(8)
                try body(key, totals)
            }
        }
    }

    public func forEachRequestKeyTotal(
        days: Range<Int64>, minimumRequests: Int64, _ body: (RequestKeyKey, SpendTotals) throws -> Void
    ) async throws {
        var query = Self.range(
            "SELECT tenant_id, service, operation, request_key, sum(requests)::bigint, sum(cost_nanos)::bigint FROM rollup_request_key "
                + "WHERE day >= $1 AND day < $2 GROUP BY tenant_id, service, operation, request_key HAVING sum(requests) >= $3", days)
        query.binds.append(minimumRequests)
        try await session.withLink { link in
            try await link.forEachRow(query, "cannot read the request-key rollup") { row in
                let key = RequestKeyKey(
                    tenantID: try row.string(0) ?? "", service: try row.string(1) ?? "", operation: try row.string(2) ?? "",
                    requestKey: try row.string(3) ?? "")
                try body(key, SpendTotals(requests: try row.int64(4), cost: Money(nanos: try row.int64(5))))
            }
        }
    }

    public func requestKeyTotal(_ key: RequestKeyKey, days: Range<Int64>) async throws -> SpendTotals {
        var query = Self.range(
            "SELECT coalesce(sum(requests), 0)::bigint, coalesce(sum(cost_nanos), 0)::bigint FROM rollup_request_key "
                + "WHERE day >= $1 AND day < $2 AND tenant_id = $3 AND service = $4 AND operation = $5 AND request_key = $6", days)
        for text in [key.tenantID, key.service, key.operation, key.requestKey] { query.binds.append(text) }
        return try await session.withLink { link in
            guard let row = try await link.firstRow(query, "cannot read the request-key rollup") else { return SpendTotals() }
            return SpendTotals(requests: try row.int64(0), cost: Money(nanos: try row.int64(1)))
        }
    }

    public func forEachHistogramRollup(days: Range<Int64>, _ body: (Int64, HistogramKey, Int, TokenCount) throws -> Void) async throws {
        let query = Self.range(
            "SELECT day, provider, model, operation, bucket_index, requests, tokens FROM rollup_token_histogram "
                + "WHERE day >= $1 AND day < $2 ORDER BY day, provider, model, operation, bucket_index", days)
        try await session.withLink { link in
            try await link.forEachRow(query, "cannot read the token histogram rollup") { row in
                let key = HistogramKey(provider: try row.string(1) ?? "", model: try row.string(2) ?? "", operation: try row.string(3) ?? "")
                try body(try row.int64(0), key, Int(try row.int64(4)), TokenCount(requests: try row.int64(5), tokens: try row.int64(6)))
            }
        }
    }

    /// `sql` with the bounds of `range` bound to `$1` and `$2`.
    private static func range(_ sql: String, _ range: Range<Int64>) -> PostgresQuery {
        var binds = PostgresBindings()
        binds.append(range.lowerBound)
        binds.append(range.upperBound)
        return PostgresQuery(unsafeSQL: sql, binds: binds)
    }
}
