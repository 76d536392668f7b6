import Pricing

/// The result of re-walking the ledger.
public struct VerificationReport: Sendable, Hashable {
    /// Events checked (all of them when the ledger is sound).
    public var checked: Int64
    /// Close and adjustment records checked.
    public var closes: Int64 = 0
    public var adjustments: Int64 = 0
    /// The first record that breaks the ledger, if any.
    public var failure: Failure?
    /// A stored rollup that does not add up to the events (checked when every record is sound).
    public var rollupMismatch: String?
    /// Events the current price tables price differently from what they were billed (their
    /// stored cost plus their adjustments): not tampering, a correction `reprice` can append.
    public var priceDrift: PriceDrift?

    public struct Failure: Sendable, Hashable, CustomStringConvertible {
        public var sequence: Int64
        public var reason: String
        public var description: String { "sequence \(sequence): \(reason)" }
    }

    public struct PriceDrift: Sendable, Hashable, CustomStringConvertible {
        public var events: Int64
        public var firstSequence: Int64

        public init(events: Int64, firstSequence: Int64) {
            self.events = events
            self.firstSequence = firstSequence
        }
        public var description: String {
            "\(events) events are priced differently by the current tables (first at sequence \(firstSequence)): run costledger reprice"
        }
    }

    public var isSound: Bool { failure == nil && rollupMismatch == nil && priceDrift == nil }
}

extension Ledger {
    /// Re-walks the whole ledger: sequence numbers and the hash chain over events, closes and
    /// adjustments; the closes' order and every late event's billing month; each adjustment's
    /// difference; and every event's billed cost (stored cost plus adjustments) against the
    /// current price table, with the free quotas replayed in ledger order.
    ///
    /// The records are read in chunks of sequence numbers, and the rollups of the UTC days
    /// completed in a chunk are compared after it, so memory holds only the days still open (and
    /// the adjusted events' billed pricing).
    ///
    /// - Parameter head: a record the ledger must still hold (see ``check(head:)``), checked first:
    ///   when it is missing, the report names it and nothing else is walked.
    public func verify(head: LedgerHead? = nil, progress: ((Int64) -> Void)? = nil) async throws -> VerificationReport {
        if let head, let failure = try await check(head: head) {
            return VerificationReport(checked: 0, failure: failure, rollupMismatch: nil)
        }
        var report = VerificationReport(checked: 0)
        var expectedSequence: Int64 = 1
        var previous = ChainHash.genesis
        var quotaCounts: [QuotaPool: Int64] = [:]
        var lastClosedMonth: CivilMonth?
        var drift: VerificationReport.PriceDrift?
        // What each adjusted event is billed in the end, and so far in the walk.
        var finalBilled: [Int64: EventPricing] = [:]
        try await store.forEachAdjustment(.all) { adjustment, _ in finalBilled[adjustment.adjustsSequence] = adjustment.repriced }
        var billedSoFar: [Int64: EventPricing] = [:]
        var rollups = try await RollupCheck.load(from: store)
        struct Stop: Error {}
        let pricer = pricer
        do {
            try await store.forEachEntry(
                { entry in
                    func fail(_ sequence: Int64, _ reason: String) throws -> Never {
                        report.failure = .init(sequence: sequence, reason: reason)
                        throw Stop()
                    }
                    if entry.sequence != expectedSequence {
                        try fail(expectedSequence, "sequence number missing (next stored is \(entry.sequence))")
                    }
                    if entry.chainHash(after: previous) != entry.hash { try fail(entry.sequence, "hash does not match the chain: the row was altered") }
                    switch entry {
                    case .event(var record):
                        if record.lateBillingMonth != BillingMonths.late(record.event.timestamp, lastClosed: lastClosedMonth) {
                            try fail(record.sequence, "its billing month does not follow from the closed months before it")
                        }
                        let (pricing, pool) = pricer.price(record.event) { quotaCounts[$0, default: 0] }
                        if let pool { quotaCounts[pool, default: 0] += 1 }
                        let billed = finalBilled[record.sequence] ?? record.pricing
                        if pricing.cost != billed.cost {
                            // The hash matched: the stored row is what was written, the price tables differ.
                            drift = drift.map { .init(events: $0.events + 1, firstSequence: $0.firstSequence) }
                                ?? .init(events: 1, firstSequence: record.sequence)
                        }
                        record.pricing = billed
                        rollups.add(record)
                        report.checked += 1
                        if report.checked % 1_000_000 == 0 { progress?(report.checked) }
                    case .close(let close):
                        if let lastClosedMonth, close.month <= lastClosedMonth {
                            try fail(close.sequence, "closes \(close.month) after \(lastClosedMonth): months close once, in order")
                        }
                        lastClosedMonth = close.month
                        report.closes += 1
                    case .adjustment(let adjustment, let event):
                        guard event.sequence < adjustment.sequence else {
                            try fail(adjustment.sequence, "adjusts sequence \(event.sequence), which is not before it")
                        }
                        let before = billedSoFar[event.sequence] ?? event.pricing
                        if adjustment.costDelta != adjustment.repriced.cost - before.cost {
                            try fail(adjustment.sequence, "its difference \(adjustment.costDelta) is not the new cost less the cost billed before it")
                        }
                        let expectedMonth = BillingMonths.adjustment(ofEventAt: event.event.timestamp, lastClosed: lastClosedMonth)
                        if adjustment.billingMonth != expectedMonth {
                            try fail(adjustment.sequence, "its billing month \(adjustment.billingMonth) is not \(expectedMonth), the one the closes give")
                        }
                        billedSoFar[event.sequence] = adjustment.repriced
                        report.adjustments += 1
                    }
                    previous = entry.hash
                    expectedSequence += 1
                }, afterChunk: { try await rollups.compareCompletedDays() })
        } catch is Stop {}
        if report.failure == nil {
            report.rollupMismatch = try await rollups.finish()
            report.priceDrift = drift
        }
        return report
    }
}

extension Ledger {
    /// Whether the ledger still holds `head` (a record `report` wrote down) with its hash: plain
    /// ``verify(progress:)`` cannot tell a ledger whose last events were deleted from one that
    /// never had them.
    /// - Returns: the failure naming the head's sequence number, or nil when the record is there.
    public func check(head: LedgerHead) async throws -> VerificationReport.Failure? {
        guard head.sequence > 0 else {
            return head.hash == .genesis ? nil : .init(sequence: 0, reason: "the head of an empty ledger has the genesis hash")
        }
        guard let stored = try await store.hash(atSequence: head.sequence) else {
            let last = try await store.sequenceRange(.all)?.upperBound ?? 0
            let reason =
                last < head.sequence
                ? "the ledger no longer holds this record: it ends at sequence \(last) (events were deleted off its end)"
                : "the ledger no longer holds this record"
            return .init(sequence: head.sequence, reason: reason)
        }
        guard stored == head.hash else {
            return .init(sequence: head.sequence, reason: "the record's hash is not the head's \(head.hash): the ledger was rewritten")
        }
        return nil
    }
}
