import CostLedger
import Pricing

extension ReportSnapshot {
    /// The columns of `reconciliation-DATE` (contract 11.5).
    public static let reconciliationColumns = [
        "tenant_id", "provider", "model", "events", "cost_usd", "provider_cost_usd", "difference_usd", "ratio",
    ]

    /// `reconciliation-DATE`: for `asOf`'s UTC month to date, per tenant, provider and model, the
    /// LLM events that carried `provider_cost_usd`: the cost the ledger stored for them against
    /// what their providers reported. `difference_usd` is cost minus provider cost; `ratio` is cost
    /// over provider cost (6 decimals, half to even), empty when the provider cost is 0.
    public var reconciliationTable: ReportTable {
        var groups: [[String]: (events: Int64, cost: Money, providerCost: Money)] = [:]
        for (key, totals) in monthToDate where totals.section11.providerCostedRequests != 0 {
            let reported = totals.section11
            var group = groups[[key.tenantID, key.provider, key.model]] ?? (0, .zero, .zero)
            group.events += reported.providerCostedRequests
            group.cost = group.cost + reported.providerCostedCost
            group.providerCost = group.providerCost + reported.providerCost
            groups[[key.tenantID, key.provider, key.model]] = group
        }
        var table = ReportTable(columns: Self.reconciliationColumns)
        table.rows = groups.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map { labels, group in
            labels.map { .text($0) } + [
                .count(group.events), .money(group.cost), .money(group.providerCost), .money(group.cost - group.providerCost),
                Self.ratio(group.cost, over: group.providerCost),
            ]
        }
        return table
    }

    /// `numerator / denominator` with 6 decimals, rounded half to even, in 128 bits (a cost many
    /// times a tiny reported one still fits); empty when the denominator is 0.
    static func ratio(_ numerator: Money, over denominator: Money) -> ReportTable.Cell {
        guard denominator.nanos > 0 else { return .empty }
        let millionths = divideRoundingHalfToEven(Int128(numerator.nanos) * 1_000_000, Int128(denominator.nanos))
        return .text(ExactDecimal.format(millionths, scale: 6, minFractionDigits: 6))
    }
}
