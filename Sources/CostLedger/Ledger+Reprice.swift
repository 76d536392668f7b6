import Pricing

/// What ``Ledger/reprice(reason:scope:dryRun:now:progress:)`` appended, or would append.
public struct RepriceReport: Sendable, Hashable {
    /// Adjustments and their total difference, per tenant.
    public struct TenantTotal: Sendable, Hashable {
        public var adjustments: Int64 = 0
        public var total = Money.zero
    }

    public var tenants: [String: TenantTotal] = [:]
    /// Events priced again (the scope's, and the others of its months that replay free quota).
    public var eventsWalked: Int64 = 0

    public var adjustments: Int64 { tenants.values.reduce(0) { $0 + $1.adjustments } }
    public var total: Money { tenants.values.reduce(.zero) { $0 + $1.total } }

    mutating func count(_ adjustment: AdjustmentRecord, tenantID: String) {
        tenants[tenantID, default: TenantTotal()].adjustments += 1
        tenants[tenantID, default: TenantTotal()].total = tenants[tenantID, default: TenantTotal()].total + adjustment.costDelta
    }
}

extension Ledger {
    /// Prices the stored events of `scope` again with the current tables and appends one
    /// adjustment per event whose cost differs from what was billed for it so far (its stored cost
    /// plus its adjustments): contract section 14.2. A second run appends nothing.
    ///
    /// Free quota is replayed in ledger order over the whole UTC months `scope` touches (all
    /// tenants), since a call's place in its pool decides whether it is free. The events are read
    /// in chunks of sequence numbers and each chunk's adjustments are appended in one transaction,
    /// which checks again, under the write lock, what each event was billed: memory stays bounded,
    /// and a concurrent `reprice` cannot make an event's correction count twice.
    ///
    /// - Parameters:
    ///   - scope: the events' time range (`from`, `to`) and `tenantID`; the rest is not used.
    ///   - dryRun: count what would be appended, and write nothing.
    ///   - now: when the adjustments are recorded.
    ///   - progress: called after each chunk with the events walked so far.
    public func reprice(
        reason: String, scope: RecordQuery, dryRun: Bool, now: Timestamp, progress: ((Int64) -> Void)? = nil
    ) async throws -> RepriceReport {
        var report = RepriceReport()
        var walk = RecordQuery(
            from: scope.from.map { Timestamp(millis: $0.utcMonth.startMillis) },
            to: scope.to.map { Timestamp(millis: Timestamp(millis: $0.millis - 1).utcMonth.endMillis) })
        guard let range = try await store.sequenceRange(walk) else { return report }
        func inScope(_ event: UsageEvent) -> Bool {
            scope.from.map { event.timestamp >= $0 } ?? true && scope.to.map { event.timestamp < $0 } ?? true
                && scope.tenantID.map { event.tenantID == $0 } ?? true
        }
        var quotaCounts: [QuotaPool: Int64] = [:]
        let pricer = pricer
        var first = range.lowerBound
        while first <= range.upperBound {
            let chunk = first...min(range.upperBound, first + Self.repriceChunk - 1)
            var billed: [Int64: EventPricing] = [:]
            try await store.forEachAdjustment(AdjustmentQuery(eventSequences: chunk)) { adjustment, _ in
                billed[adjustment.adjustsSequence] = adjustment.repriced
            }
            var changed: [(record: LedgerRecord, repriced: EventPricing)] = []
            walk.sequences = chunk
            try await store.forEachRecord(walk) { record in
                let (pricing, pool) = pricer.price(record.event) { quotaCounts[$0, default: 0] }
                if let pool { quotaCounts[pool, default: 0] += 1 }
                report.eventsWalked += 1
                if inScope(record.event), pricing.cost != (billed[record.sequence] ?? record.pricing).cost {
                    changed.append((record, pricing))
                }
            }
            if !changed.isEmpty {
                let appended =
                    dryRun
                    ? Self.adjustments(changed, billed: billed, reason: reason, after: .empty, now: now).records
                    : try await appendAdjustments(changed, of: chunk, reason: reason, now: now)
                let tenants = Dictionary(uniqueKeysWithValues: changed.map { ($0.record.sequence, $0.record.event.tenantID) })
                for adjustment in appended { report.count(adjustment, tenantID: tenants[adjustment.adjustsSequence] ?? "") }
            }
            progress?(report.eventsWalked)
            first = chunk.upperBound + 1
        }
        return report
    }

    /// Sequence numbers per chunk of ``reprice(reason:scope:dryRun:now:progress:)``.
    static let repriceChunk: Int64 = 65_536

    /// Appends the adjustments of `changed` (events of `chunk`) in one transaction, against what
    /// each event is billed now that the write lock is held.
    private func appendAdjustments(
        _ changed: [(record: LedgerRecord, repriced: EventPricing)], of chunk: ClosedRange<Int64>, reason: String, now: Timestamp
    ) async throws -> [AdjustmentRecord] {
        try await store.write { transaction in
            let tail = try await transaction.tail()
            var billed: [Int64: EventPricing] = [:]
            for adjustment in try await transaction.adjustments(ofEvents: chunk) { billed[adjustment.adjustsSequence] = adjustment.repriced }
            let (records, rollups) = Self.adjustments(changed, billed: billed, reason: reason, after: tail, now: now)
            guard !records.isEmpty else { return records }
            try await transaction.append(records)
            try await transaction.addRollups(rollups)
            return records
        }
    }

    /// The adjustment records of `changed` that still change what is billed, chained after `tail`,
    /// and what they change in the rollups (an adjustment counts at its event's timestamp).
    private static func adjustments(
        _ changed: [(record: LedgerRecord, repriced: EventPricing)], billed: [Int64: EventPricing], reason: String, after tail: ChainTail,
        now: Timestamp
    ) -> (records: [AdjustmentRecord], rollups: RollupDelta) {
        var records: [AdjustmentRecord] = []
        var rollups = RollupDelta()
        var hash = tail.hash
        for (record, repriced) in changed {
            let before = billed[record.sequence] ?? record.pricing
            guard repriced.cost != before.cost else { continue }
            var adjustment = AdjustmentRecord(
                sequence: tail.sequence + Int64(records.count) + 1, adjustsSequence: record.sequence, costDelta: repriced.cost - before.cost,
                repriced: repriced, reason: reason,
                billingMonth: BillingMonths.adjustment(ofEventAt: record.event.timestamp, lastClosed: tail.lastClosedMonth),
                recordedAt: now, hash: .genesis)
            adjustment.hash = adjustment.chainHash(after: hash)
            hash = adjustment.hash
            records.append(adjustment)
            rollups.add(adjustment, of: record.event, before: before)
        }
        rollups.removeZeros()
        return (records, rollups)
    }
}
