import Pricing

/// The result of re-walking the ledger.
public struct VerificationReport: Sendable, Hashable {
    /// Events checked (all of them when the ledger is sound).
    public var checked: Int64
    /// The first record that breaks the ledger, if any.
    public var failure: Failure?
    /// A stored rollup that does not add up to the events (checked when every record is sound).
    public var rollupMismatch: String?

    public struct Failure: Sendable, Hashable, CustomStringConvertible {
        public var sequence: Int64
        public var reason: String
        public var description: String { "sequence \(sequence): \(reason)" }
    }

    public var isSound: Bool { failure == nil && rollupMismatch == nil }
}

extension Ledger {
    /// Re-walks the whole ledger: sequence numbers, the hash chain, and every stored cost,
    /// re-priced with the current price table and the free quotas replayed in ledger order.
    public func verify(progress: ((Int64) -> Void)? = nil) throws -> VerificationReport {
        var expectedSequence: Int64 = 1
        var previous = ChainHash.genesis
        var quotaCounts: [QuotaPool: Int64] = [:]
        var failure: VerificationReport.Failure?
        var rebuilt = RollupDelta(kinds: [.daily, .quarterHours])
        struct Stop: Error {}
        do {
            try store.forEachRecord(.all) { record in
                func fail(_ reason: String) throws -> Never {
                    failure = .init(sequence: record.sequence, reason: reason)
                    throw Stop()
                }
                if record.sequence != expectedSequence {
                    failure = .init(
                        sequence: expectedSequence,
                        reason: "sequence number missing (next stored is \(record.sequence))")
                    throw Stop()
                }
                let expectedHash = previous.next(
                    sequence: record.sequence, canonicalEvent: record.event.canonicalBytes, pricing: record.pricing)
                if expectedHash != record.hash { try fail("hash does not match the chain: the row was altered") }
                let (pricing, pool) = pricer.price(record.event) { quotaCounts[$0, default: 0] }
                if pricing != record.pricing {
                    try fail("stored cost \(record.pricing.cost) (\(record.pricing.priceReference ?? "no price row")) "
                        + "differs from the re-priced \(pricing.cost) (\(pricing.priceReference ?? "no price row"))")
                }
                if let pool { quotaCounts[pool, default: 0] += 1 }
                rebuilt.add(record.event, pricing: record.pricing)
                previous = record.hash
                expectedSequence += 1
                if expectedSequence % 1_000_000 == 0 { progress?(expectedSequence - 1) }
            }
        } catch is Stop {}
        let mismatch = failure == nil ? try rollupMismatch(rebuilt) : nil
        return VerificationReport(checked: expectedSequence - 1, failure: failure, rollupMismatch: mismatch)
    }

    /// Compares the rollups that carry money (daily usage, quarter-hour spend) with the ones
    /// rebuilt from the events; describes the first difference.
    private func rollupMismatch(_ rebuilt: RollupDelta) throws -> String? {
        var stored = RollupDelta()
        let everything = Int64.min / 4..<Int64.max / 4
        let keys = try store.usageKeys()
        try store.forEachDailyRollup(days: everything) { day, number, totals in
            guard let key = keys[number] else { throw LedgerError(.corruptRow, "rollup_daily names usage key \(number), which does not exist") }
            stored.daily[RollupDelta.DayKey(day: day, usage: key), default: UsageTotals()].add(totals)
        }
        try store.forEachQuarterHourRollup(buckets: everything) { bucket, key, totals in
            stored.quarterHours[RollupDelta.QuarterHourKey(bucket: bucket, spend: key), default: SpendTotals()].add(totals)
        }
        if let key = Set(stored.daily.keys).union(rebuilt.daily.keys).first(where: { stored.daily[$0] != rebuilt.daily[$0] }) {
            return "rollup_daily for \(CivilDate(daysSinceEpoch: key.day)) tenant \(key.usage.tenantID) \(key.usage.operation) "
                + "does not add up to the events"
        }
        if let key = Set(stored.quarterHours.keys).union(rebuilt.quarterHours.keys).first(where: { stored.quarterHours[$0] != rebuilt.quarterHours[$0] }) {
            return "rollup_quarter_hour at \(Timestamp(millis: key.bucket * RollupDelta.quarterHourMillis)) tenant \(key.spend.tenantID) "
                + "does not add up to the events"
        }
        return nil
    }
}
