import CSQLite
import CostLedger
import Pricing

/// One write transaction of ``SQLiteLedgerStore``.
struct SQLiteWriteTransaction: LedgerWriteTransaction {
    let statements: Statements
    let keyDirectory: UsageKeyDirectory
    /// Usage keys this transaction stored, published to ``keyDirectory`` once it commits.
    let newUsageKeys = NewUsageKeys()

    /// What the transaction learned about usage keys: the ones it stored, and whether it has
    /// caught up with the keys other connections stored.
    final class NewUsageKeys {
        var ids: [UsageKey: Int64] = [:]
        var refreshed = false
    }

    func tail() throws -> ChainTail {
        let closed = statements.lastClosedMonth
        defer { closed.reset() }
        let lastClosedMonth = try closed.step() && !closed.isNull(0) ? CivilMonth(index: closed.int64(0)) : nil
        let s = statements.tail
        defer { s.reset() }
        guard try s.step() else { return ChainTail(sequence: 0, hash: .genesis, lastClosedMonth: lastClosedMonth) }
        return ChainTail(sequence: s.int64(0), hash: ChainHash(bytes: s.blob(1)), lastClosedMonth: lastClosedMonth)
    }

    func earliestEvent(from: Timestamp, to: Timestamp) throws -> Timestamp? {
        let s = statements.earliestEvent
        defer { s.reset() }
        s.bind(1, from.millis)
        s.bind(2, to.millis)
        guard try s.step(), !s.isNull(0) else { return nil }
        return Timestamp(millis: s.int64(0))
    }

    func append(_ close: CloseRecord) throws {
        let s = statements.insertClose
        s.reset()
        s.bind(1, close.sequence)
        s.bind(2, close.month.index)
        s.bind(3, close.recordedAt.millis)
        s.bind(4, close.hash.bytes)
        try run(s, "cannot append the close record of \(close.month)")
    }

    func append(_ adjustments: [AdjustmentRecord]) throws {
        let s = statements.insertAdjustment
        for adjustment in adjustments {
            s.reset()
            s.bind(1, adjustment.sequence)
            s.bind(2, adjustment.adjustsSequence)
            s.bind(3, adjustment.costDelta.nanos)
            s.bind(4, adjustment.repriced.cost.nanos)
            s.bind(5, adjustment.repriced.priceReference)
            s.bind(6, adjustment.repriced.estimated)
            s.bind(7, adjustment.repriced.freeQuota)
            s.bind(8, adjustment.reason)
            s.bind(9, adjustment.billingMonth.index)
            s.bind(10, adjustment.recordedAt.millis)
            s.bind(11, adjustment.hash.bytes)
            try run(s, "cannot append the adjustment of sequence \(adjustment.adjustsSequence)")
        }
    }

    func adjustments(ofEvents events: ClosedRange<Int64>) throws -> [AdjustmentRecord] {
        let s = statements.adjustmentsOfEvents
        defer { s.reset() }
        s.bind(1, events.lowerBound)
        s.bind(2, events.upperBound)
        var found: [AdjustmentRecord] = []
        while try s.step() { found.append(try AdjustmentRecord(stored: s, from: 0)) }
        return found
    }

    func storedRecords(ids: [String]) throws -> [String: LedgerRecord] {
        var stored: [String: LedgerRecord] = [:]
        guard !ids.isEmpty else { return stored }
        let s = statements.byIDs
        defer { s.reset() }
        s.bind(1, Self.jsonArray(ids))
        while try s.step() {
            let record = try LedgerRecord(stored: s)
            stored[record.event.id] = record
        }
        return stored
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// `ids` as a JSON array of strings (quotes, backslashes and control characters escaped).
    private static func jsonArray(_ ids: [String]) -> String {
        var bytes: [UInt8] = [UInt8(ascii: "[")]
        bytes.reserveCapacity(ids.count * 40)
        for (index, id) in ids.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(UInt8(ascii: "\""))
            for byte in id.utf8 {
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes += [UInt8(ascii: "\\"), byte]
                case 0..<0x20: bytes += Array("\\u00".utf8) + [Self.hexDigits[Int(byte >> 4)], Self.hexDigits[Int(byte & 15)]]
                default: bytes.append(byte)
                }
            }
            bytes.append(UInt8(ascii: "\""))
        }
        bytes.append(UInt8(ascii: "]"))
        return String(decoding: bytes, as: UTF8.self)
    }

    func append(_ records: [LedgerRecord]) throws {
        for record in records {
            statements.bind(record)
            guard statements.insert.run() == SQLITE_DONE else {
                throw statements.connection.error("cannot append event \(record.event.id)")
            }
        }
    }

    func quotaUsed(_ pools: Set<QuotaPool>) throws -> [QuotaPool: Int64] {
        var counts: [QuotaPool: Int64] = [:]
        let s = statements.quotaUsed
        for pool in pools {
            defer { s.reset() }
            bind(pool, to: s)
            counts[pool] = try s.step() ? s.int64(0) : 0
        }
        return counts
    }

    func setQuotaUsed(_ counts: [QuotaPool: Int64]) throws {
        let s = statements.setQuotaUsed
        for (pool, used) in counts {
            bind(pool, to: s)
            s.bind(5, used)
            guard s.run() == SQLITE_DONE else { throw statements.connection.error("cannot update quota usage") }
        }
    }

    func addRollups(_ delta: RollupDelta) throws {
        for (key, totals) in delta.daily {
            let s = statements.addDaily
            s.bind(1, key.day)
            s.bind(2, try usageKeyID(key.usage))
            for (index, value) in totals.rollupColumns.enumerated() { s.bind(Int32(index + 3), value) }
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
        var conversations: [ConversationKey: (totals: SpendTotals, lastBucket: Int64)] = [:]
        for (key, totals) in delta.conversations {
            let s = statements.addConversation
            s.bind(1, key.bucket)
            s.bind(2, key.conversation.tenantID)
            s.bind(3, key.conversation.conversationID)
            s.bind(4, totals.requests)
            s.bind(5, totals.cost.nanos)
            try run(s, "cannot update the conversation rollup")
            var entry = conversations[key.conversation] ?? (SpendTotals(), .min)
            entry.totals.add(totals)
            entry.lastBucket = max(entry.lastBucket, key.bucket)
            conversations[key.conversation] = entry
        }
        for (key, entry) in conversations {
            let s = statements.addConversationTotal
            s.bind(1, key.tenantID)
            s.bind(2, key.conversationID)
            s.bind(3, entry.totals.requests)
            s.bind(4, entry.totals.cost.nanos)
            s.bind(5, entry.lastBucket)
            try run(s, "cannot update the conversation totals")
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

    /// Makes the usage keys this transaction stored known to the store; call after the commit.
    func publishNewUsageKeys() {
        for (key, id) in newUsageKeys.ids { keyDirectory.add(key, id: id) }
    }

    /// The id of `key` in `usage_key`, stored first when it is new.
    private func usageKeyID(_ key: UsageKey) throws -> Int64 {
        if let id = keyDirectory.id(key) ?? newUsageKeys.ids[key] { return id }
        // Another process may have stored it: catch up once, before this transaction stores any.
        if !newUsageKeys.refreshed {
            newUsageKeys.refreshed = true
            try keyDirectory.refresh(statements.connection)
            if let id = keyDirectory.id(key) { return id }
        }
        let s = statements.insertUsageKey
        s.bind(1, key.tenantID)
        s.bind(2, key.kind.rawValue)
        s.bind(3, key.worker)
        s.bind(4, key.operation)
        s.bind(5, key.provider)
        s.bind(6, key.model)
        s.bind(7, key.service)
        s.bind(8, key.status.rawValue)
        s.bind(9, key.batch)
        try run(s, "cannot store a usage key")
        let id = sqlite3_last_insert_rowid(statements.connection.handle)
        newUsageKeys.ids[key] = id
        return id
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
