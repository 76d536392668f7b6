import CostLedger
import Pricing

/// What the nightly outputs show of closed months, corrections and late usage (contract section
/// 14.3) for one `as_of`, read once.
public struct CorrectionsSnapshot: Sendable {
    /// Per usage key, what undoes the adjustments of events with `timestamp <= asOf` in the usage
    /// sums (which count them at their events' timestamps): added to them, the sums are the
    /// events' own, as the textfile's counters count them.
    public var undoingAdjustments: [UsageKey: UsageTotals] = [:]
    /// Per tenant, the adjustments recorded up to `asOf` that charged more (debits) and less
    /// (credits), each as a non-negative amount.
    public var debits: [String: Money] = [:]
    public var credits: [String: Money] = [:]
    /// The adjustments recorded in `asOf`'s UTC month up to `asOf`, in ledger order, with their events.
    public var recordedThisMonth: [(adjustment: AdjustmentRecord, event: LedgerRecord)] = []
    /// The late events billed in `asOf`'s UTC month that the report counts (up to its head), in ledger order.
    public var lateThisMonth: [LedgerRecord] = []
    /// Late events with `timestamp <= asOf`.
    public var lateEvents: Int64 = 0
    /// The last month closed by a close record recorded up to `asOf`.
    public var lastClosedMonth: CivilMonth?

    public init() {}

    /// Reads the close and adjustment records and the late events that `asOf` shows.
    /// - Parameter head: the last record the report counts.
    public init(store: any LedgerStore, asOf: Timestamp, head: LedgerHead) async throws {
        let end = Timestamp(millis: asOf.millis + 1)
        let month = asOf.utcMonth
        // One pass over the adjustments, in ledger order: each event's billed pricing so far is
        // what its next adjustment undoes.
        var billed: [Int64: EventPricing] = [:]
        try await store.forEachAdjustment(.all) { adjustment, event in
            defer { billed[event.sequence] = adjustment.repriced }
            if event.event.timestamp < end {
                var undo = RollupDelta(kinds: .daily)
                undo.add(event.event, pricing: adjustment.repriced, sign: -1)
                undo.add(event.event, pricing: billed[event.sequence] ?? event.pricing)
                for (key, totals) in undo.daily { undoingAdjustments[key.usage, default: UsageTotals()].add(totals) }
            }
            guard adjustment.recordedAt < end else { return }
            let tenant = event.event.tenantID
            let delta = adjustment.costDelta
            if delta > .zero { debits[tenant] = (debits[tenant] ?? .zero) + delta }
            if delta < .zero { credits[tenant] = (credits[tenant] ?? .zero) - delta }
            if adjustment.recordedAt.millis >= month.startMillis { recordedThisMonth.append((adjustment, event)) }
        }
        try await store.forEachRecord(RecordQuery(to: end, lateOnly: true)) { _ in lateEvents += 1 }
        try await store.forEachRecord(RecordQuery(billingMonth: month, lateOnly: true)) { record in
            if record.sequence <= head.sequence { lateThisMonth.append(record) }
        }
        lastClosedMonth = try await store.closes().last { $0.recordedAt <= asOf }?.month
    }

    /// `corrections-DATE.csv`: the adjustments recorded in `as_of`'s month.
    public var correctionsTable: ReportTable {
        var table = ReportTable(columns: ["sequence", "adjusts_sequence", "tenant_id", "charge_time", "cost_delta_usd", "price_row", "reason"])
        table.rows = recordedThisMonth.map { adjustment, event in
            [
                .count(adjustment.sequence), .count(adjustment.adjustsSequence), .text(event.event.tenantID),
                .text(event.event.timestamp.description), .money(adjustment.costDelta),
                adjustment.repriced.priceReference.map { .text($0) } ?? .empty, .text(adjustment.reason),
            ]
        }
        return table
    }

    /// `late-events-DATE.csv`: the late events billed in `as_of`'s month.
    public var lateEventsTable: ReportTable {
        var table = ReportTable(columns: ["sequence", "event_id", "tenant_id", "timestamp", "billing_month", "cost_usd"])
        table.rows = lateThisMonth.map { record in
            [
                .count(record.sequence), .text(record.event.id), .text(record.event.tenantID), .text(record.event.timestamp.description),
                .text(record.billingMonth.description), .money(record.pricing.cost),
            ]
        }
        return table
    }
}
