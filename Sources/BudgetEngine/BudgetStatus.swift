import Pricing

/// Where spend stands against a budget.
public enum BudgetStatus: String, Sendable, Hashable {
    case ok
    case warning
    case critical
    case exceeded

    /// `exceeded` at utilisation ≥ 1, `critical` ≥ the critical threshold, `warning` ≥ the
    /// warning threshold, else `ok`; compared exactly, not on the rounded ratio.
    public init(spend: Money, budget: Money, warning: Decimal6, critical: Decimal6) {
        let scaledSpend = Int128(spend.nanos) * 1_000_000
        let budget = Int128(budget.nanos)
        if scaledSpend >= budget * 1_000_000 {
            self = .exceeded
        } else if scaledSpend >= budget * Int128(critical.millionths) {
            self = .critical
        } else if scaledSpend >= budget * Int128(warning.millionths) {
            self = .warning
        } else {
            self = .ok
        }
    }
}
