import CostLedger
import PostgresNIO
import Pricing

/// One write transaction of ``PostgresLedgerStore``, inside the advisory lock its `write` took:
/// each operation is one statement (or a few, for a very large batch), whatever the batch's size.
struct PostgresWriteTransaction: LedgerWriteTransaction {
    let link: PostgresLink

    /// Records per `INSERT`: each statement's arrays stay a few megabytes.
    static let appendChunk = 10_000

    func tail() async throws -> ChainTail {
        // One round trip: the last record of each kind, the last first, each row with the last closed month.
        let last = ["events", "closes", "adjustments"].map { "(SELECT seq, hash FROM \($0) ORDER BY seq DESC LIMIT 1)" }
        let query = PostgresQuery(
            unsafeSQL: "SELECT t.seq, t.hash, (SELECT max(month) FROM closes) FROM (\(last.joined(separator: " UNION ALL "))) t "
                + "ORDER BY t.seq DESC LIMIT 1")
        guard let row = try await link.firstRow(query, "cannot read the chain's tail") else {
            let closed = try await link.firstRow("SELECT max(month) FROM closes", "cannot read the last closed month")
            return ChainTail(sequence: 0, hash: .genesis, lastClosedMonth: try closed?.optionalInt64(0).map(CivilMonth.init(index:)))
        }
        return ChainTail(
            sequence: try row.int64(0), hash: ChainHash(bytes: row.bytes(1)),
            lastClosedMonth: try row.optionalInt64(2).map(CivilMonth.init(index:)))
    }

    func earliestEvent(from: Timestamp, to: Timestamp) async throws -> Timestamp? {
        var binds = PostgresBindings()
        binds.append(from.millis)
        binds.append(to.millis)
        let query = PostgresQuery(unsafeSQL: "SELECT min(ts_ms) FROM events WHERE ts_ms >= $1 AND ts_ms < $2", binds: binds)
        return try await link.firstRow(query, "cannot look up events")?.optionalInt64(0).map(Timestamp.init(millis:))
    }

    func append(_ close: CloseRecord) async throws {
        var binds = PostgresBindings()
        binds.append(close.sequence)
        binds.append(close.month.index)
        binds.append(close.recordedAt.millis)
        binds.append(ByteBuffer(bytes: close.hash.bytes))
        let query = PostgresQuery(
            unsafeSQL: "INSERT INTO closes (\(CloseRecord.storedColumns.joined(separator: ", "))) VALUES ($1, $2, $3, $4)", binds: binds)
        try await link.run(query, "cannot append the close record of \(close.month)")
    }

    func append(_ adjustments: [AdjustmentRecord]) async throws {
        guard !adjustments.isEmpty else { return }
        var binds = PostgresBindings(capacity: AdjustmentRecord.storedColumns.count)
        binds.append(adjustments.map(\.sequence))
        binds.append(adjustments.map(\.adjustsSequence))
        binds.append(adjustments.map(\.costDelta.nanos))
        binds.append(adjustments.map(\.repriced.cost.nanos))
        binds.append(NullableArray(adjustments.map(\.repriced.priceReference)))
        binds.append(adjustments.map(\.repriced.estimated))
        binds.append(adjustments.map(\.repriced.freeQuota))
        binds.append(adjustments.map(\.reason))
        binds.append(adjustments.map(\.billingMonth.index))
        binds.append(adjustments.map(\.recordedAt.millis))
        binds.append(adjustments.map { ByteBuffer(bytes: $0.hash.bytes) })
        let types = ["bigint", "bigint", "bigint", "bigint", "text", "boolean", "boolean", "text", "bigint", "bigint", "bytea"]
        let columns = zip(AdjustmentRecord.storedColumns, types).map { ArrayColumn($0, $1) }
        try await link.run(.insertRows(into: "adjustments", columns, binds: binds), "cannot append adjustments")
    }

    func adjustments(ofEvents events: ClosedRange<Int64>) async throws -> [AdjustmentRecord] {
        var binds = PostgresBindings()
        binds.append(events.lowerBound)
        binds.append(events.upperBound)
        let query = PostgresQuery(
            unsafeSQL: "SELECT \(AdjustmentRecord.storedColumns.joined(separator: ", ")) FROM adjustments "
                + "WHERE adjusts_seq BETWEEN $1 AND $2 ORDER BY seq",
            binds: binds)
        var found: [AdjustmentRecord] = []
        try await link.forEachRow(query, "cannot read adjustments") { row in found.append(try AdjustmentRecord(stored: row, from: 0)) }
        return found
    }

    func storedRecords(ids: [String]) async throws -> [String: LedgerRecord] {
        guard !ids.isEmpty else { return [:] }
        var stored: [String: LedgerRecord] = [:]
        var binds = PostgresBindings()
        binds.append(ids)
        let query = PostgresQuery(unsafeSQL: "SELECT \(PostgresRecords.selectList) FROM events WHERE id = ANY($1::text[])", binds: binds)
        try await link.forEachRow(query, "cannot look up stored events") { row in
            let record = try LedgerRecord(stored: row)
            stored[record.event.id] = record
        }
        return stored
    }

    func append(_ records: [LedgerRecord]) async throws {
        var start = records.startIndex
        while start < records.endIndex {
            let chunk = records[start..<min(records.endIndex, start + Self.appendChunk)]
            let query = PostgresQuery.insertRows(into: "events", PostgresRecords.columns, binds: EventColumns(chunk).bindings)
            try await link.run(query, "cannot append events \(chunk.first?.sequence ?? 0)…\(chunk.last?.sequence ?? 0)")
            start = chunk.endIndex
        }
    }

    func quotaUsed(_ pools: Set<QuotaPool>) async throws -> [QuotaPool: Int64] {
        var counts = Dictionary(uniqueKeysWithValues: pools.map { ($0, Int64(0)) })
        guard !pools.isEmpty else { return counts }
        let query = PostgresQuery(
            unsafeSQL: "SELECT q.service, q.operation, q.tenant_id, q.month, q.used FROM quota_usage q "
                + "JOIN unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS p (service, operation, tenant_id, month) "
                + "ON q.service = p.service AND q.operation = p.operation AND q.tenant_id = p.tenant_id AND q.month = p.month",
            binds: Self.bindings(Array(pools)))
        try await link.forEachRow(query, "cannot read the free-quota counts") { row in
            let pool = QuotaPool(
                service: try row.string(0) ?? "", operation: try row.string(1) ?? "", tenantID: try row.string(2) ?? "",
                month: try row.string(3) ?? "")
            counts[pool] = try row.int64(4)
        }
        return counts
    }

    func setQuotaUsed(_ counts: [QuotaPool: Int64]) async throws {
        guard !counts.isEmpty else { return }
        let pools = Array(counts.keys)
        var binds = Self.bindings(pools)
        binds.append(pools.map { counts[$0] ?? 0 })
        let columns = ["service", "operation", "tenant_id", "month"].map { ArrayColumn($0, "text") } + [ArrayColumn("used", "bigint")]
        let query = PostgresQuery.insertRows(
            into: "quota_usage", columns, " ON CONFLICT (service, operation, tenant_id, month) DO UPDATE SET used = EXCLUDED.used",
            binds: binds)
        try await link.run(query, "cannot update the free-quota counts")
    }

    /// The pools' four text columns, as four arrays.
    private static func bindings(_ pools: [QuotaPool]) -> PostgresBindings {
        var binds = PostgresBindings(capacity: 5)
        binds.append(pools.map(\.service))
        binds.append(pools.map(\.operation))
        binds.append(pools.map(\.tenantID))
        binds.append(pools.map(\.month))
        return binds
    }

    func addRollups(_ delta: RollupDelta) async throws {
        try await addDaily(delta.daily)
        try await addQuarterHours(delta.quarterHours)
        try await addConversations(delta.conversations)
        try await addHistogram(delta.tokenHistogram)
        try await addPromptCache(delta.promptCache)
        try await addRequestKeys(delta.requestKeys)
    }

    private func addDaily(_ daily: [RollupDelta.DayKey: UsageTotals]) async throws(LedgerError) {
        guard !daily.isEmpty else { return }
        let rows = Array(daily)
        var binds = PostgresBindings()
        binds.append(rows.map(\.key.day))
        binds.append(rows.map(\.key.usage.tenantID))
        binds.append(rows.map(\.key.usage.kind.rawValue))
        binds.append(rows.map(\.key.usage.worker))
        binds.append(rows.map(\.key.usage.operation))
        binds.append(rows.map(\.key.usage.provider))
        binds.append(rows.map(\.key.usage.model))
        binds.append(rows.map(\.key.usage.service))
        binds.append(rows.map(\.key.usage.status.rawValue))
        binds.append(rows.map(\.key.usage.batch))
        let sums = rows.map(\.value.rollupColumns)
        for index in PostgresSchema.dailySums.indices { binds.append(sums.map { $0[index] }) }
        let key = ["day"] + PostgresSchema.usageKeyColumns
        let columns = key.map { ArrayColumn($0, $0 == "day" ? "bigint" : $0 == "batch" ? "boolean" : "text") }
            + PostgresSchema.dailySums.map { ArrayColumn($0, "bigint") }
        let conflict = PostgresQuery.addingOnConflict(table: "rollup_daily", key: key, sums: PostgresSchema.dailySums)
        try await link.run(.insertRows(into: "rollup_daily", columns, conflict, binds: binds), "cannot update the daily rollup")
    }

    private func addQuarterHours(_ quarterHours: [RollupDelta.QuarterHourKey: SpendTotals]) async throws(LedgerError) {
        guard !quarterHours.isEmpty else { return }
        let rows = Array(quarterHours)
        var binds = PostgresBindings()
        binds.append(rows.map(\.key.bucket))
        binds.append(rows.map(\.key.spend.tenantID))
        binds.append(rows.map(\.key.spend.kind.rawValue))
        binds.append(rows.map(\.key.spend.source))
        binds.append(rows.map(\.value.requests))
        binds.append(rows.map(\.value.cost.nanos))
        let columns = [
            ArrayColumn("bucket", "bigint"), .init("tenant_id", "text"), .init("kind", "text"), .init("source", "text"),
            .init("requests", "bigint"), .init("cost_nanos", "bigint"),
        ]
        let conflict = PostgresQuery.addingOnConflict(
            table: "rollup_quarter_hour", key: ["bucket", "tenant_id", "kind", "source"], sums: ["requests", "cost_nanos"])
        try await link.run(.insertRows(into: "rollup_quarter_hour", columns, conflict, binds: binds), "cannot update the quarter-hour rollup")
    }

    /// The per-quarter-hour rows, and each conversation's all-time total with its latest quarter hour.
    private func addConversations(_ conversations: [RollupDelta.ConversationBucketKey: SpendTotals]) async throws(LedgerError) {
        guard !conversations.isEmpty else { return }
        let rows = Array(conversations)
        var binds = PostgresBindings()
        binds.append(rows.map(\.key.bucket))
        binds.append(rows.map(\.key.conversation.tenantID))
        binds.append(rows.map(\.key.conversation.conversationID))
        binds.append(rows.map(\.value.requests))
        binds.append(rows.map(\.value.cost.nanos))
        let columns = [
            ArrayColumn("bucket", "bigint"), .init("tenant_id", "text"), .init("conversation_id", "text"), .init("requests", "bigint"),
            .init("cost_nanos", "bigint"),
        ]
        let conflict = PostgresQuery.addingOnConflict(
            table: "rollup_conversation", key: ["tenant_id", "conversation_id", "bucket"], sums: ["requests", "cost_nanos"])
        try await link.run(.insertRows(into: "rollup_conversation", columns, conflict, binds: binds), "cannot update the conversation rollup")

        var totals: [ConversationKey: (totals: SpendTotals, lastBucket: Int64)] = [:]
        for (key, spend) in conversations {
            var entry = totals[key.conversation] ?? (SpendTotals(), .min)
            entry.totals.add(spend)
            entry.lastBucket = max(entry.lastBucket, key.bucket)
            totals[key.conversation] = entry
        }
        let entries = Array(totals)
        var totalBinds = PostgresBindings()
        totalBinds.append(entries.map(\.key.tenantID))
        totalBinds.append(entries.map(\.key.conversationID))
        totalBinds.append(entries.map(\.value.totals.requests))
        totalBinds.append(entries.map(\.value.totals.cost.nanos))
        totalBinds.append(entries.map(\.value.lastBucket))
        let totalColumns = [
            ArrayColumn("tenant_id", "text"), .init("conversation_id", "text"), .init("requests", "bigint"), .init("cost_nanos", "bigint"),
            .init("last_bucket", "bigint"),
        ]
        let totalConflict = PostgresQuery.addingOnConflict(
            table: "conversation_total", key: ["tenant_id", "conversation_id"], sums: ["requests", "cost_nanos"],
            more: ["last_bucket = GREATEST(conversation_total.last_bucket, EXCLUDED.last_bucket)"])
        try await link.run(
            .insertRows(into: "conversation_total", totalColumns, totalConflict, binds: totalBinds), "cannot update the conversation totals")
    }

    private func addHistogram(_ histogram: [RollupDelta.HistogramBucketKey: TokenCount]) async throws(LedgerError) {
        guard !histogram.isEmpty else { return }
        let rows = Array(histogram)
        var binds = PostgresBindings()
        binds.append(rows.map(\.key.day))
        binds.append(rows.map(\.key.labels.provider))
        binds.append(rows.map(\.key.labels.model))
        binds.append(rows.map(\.key.labels.operation))
        binds.append(rows.map { Int64($0.key.bucketIndex) })
        binds.append(rows.map(\.value.requests))
        binds.append(rows.map(\.value.tokens))
        let columns = [
            ArrayColumn("day", "bigint"), .init("provider", "text"), .init("model", "text"), .init("operation", "text"),
            .init("bucket_index", "bigint"), .init("requests", "bigint"), .init("tokens", "bigint"),
        ]
        let conflict = PostgresQuery.addingOnConflict(
            table: "rollup_token_histogram", key: ["day", "provider", "model", "operation", "bucket_index"], sums: ["requests", "tokens"])
        try await link.run(
            .insertRows(into: "rollup_token_histogram", columns, conflict, binds: binds), "cannot update the token histogram rollup")
    }

    private func addPromptCache(_ promptCache: [PromptCacheKey: PromptCacheTotals]) async throws(LedgerError) {
        guard !promptCache.isEmpty else { return }
        let rows = Array(promptCache)
        var binds = PostgresBindings()
        binds.append(rows.map(\.key.bucket))
        binds.append(rows.map(\.key.tenantID))
        binds.append(rows.map(\.key.provider))
        binds.append(rows.map(\.key.model))
        binds.append(rows.map(\.key.fingerprint))
        binds.append(rows.map(\.value.requests))
        binds.append(rows.map(\.value.uncachedTokens))
        binds.append(rows.map(\.value.firstMillis))
        binds.append(rows.map(\.value.firstUncachedTokens))
        let columns = [
            ArrayColumn("bucket", "bigint"), .init("tenant_id", "text"), .init("provider", "text"), .init("model", "text"),
            .init("fingerprint", "text"), .init("requests", "bigint"), .init("uncached_tokens", "bigint"), .init("first_ms", "bigint"),
            .init("first_uncached_tokens", "bigint"),
        ]
        // The earliest request of a window wins (on a tie, the larger), as PromptCacheTotals.add does;
        // every expression reads the row as it was before this update.
        let conflict = PostgresQuery.addingOnConflict(
            table: "rollup_prompt_cache", key: ["bucket", "tenant_id", "provider", "model", "fingerprint"],
            sums: ["requests", "uncached_tokens"],
            more: [
                "first_uncached_tokens = CASE WHEN EXCLUDED.first_ms < rollup_prompt_cache.first_ms "
                    + "OR (EXCLUDED.first_ms = rollup_prompt_cache.first_ms "
                    + "AND EXCLUDED.first_uncached_tokens > rollup_prompt_cache.first_uncached_tokens) "
                    + "THEN EXCLUDED.first_uncached_tokens ELSE rollup_prompt_cache.first_uncached_tokens END",
                "first_ms = LEAST(rollup_prompt_cache.first_ms, EXCLUDED.first_ms)",
            ])
        try await link.run(.insertRows(into: "rollup_prompt_cache", columns, conflict, binds: binds), "cannot update the prompt-cache rollup")
    }

    private func addRequestKeys(_ requestKeys: [RollupDelta.RequestKeyDayKey: SpendTotals]) async throws(LedgerError) {
        guard !requestKeys.isEmpty else { return }
        let rows = Array(requestKeys)
        var binds = PostgresBindings()
        binds.append(rows.map(\.key.day))
        binds.append(rows.map(\.key.key.tenantID))
        binds.append(rows.map(\.key.key.service))
        binds.append(rows.map(\.key.key.operation))
        binds.append(rows.map(\.key.key.requestKey))
        binds.append(rows.map(\.value.requests))
        binds.append(rows.map(\.value.cost.nanos))
        let columns = [
            ArrayColumn("day", "bigint"), .init("tenant_id", "text"), .init("service", "text"), .init("operation", "text"),
            .init("request_key", "text"), .init("requests", "bigint"), .init("cost_nanos", "bigint"),
        ]
        let conflict = PostgresQuery.addingOnConflict(
            table: "rollup_request_key", key: ["tenant_id", "service", "operation", "request_key", "day"], sums: ["requests", "cost_nanos"])
        try await link.run(.insertRows(into: "rollup_request_key", columns, conflict, binds: binds), "cannot update the request-key rollup")
    }
}
