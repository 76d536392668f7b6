import Pricing

/// One tenant's budget figures at an instant (contract section 4; a row of `budgets-DATE`).
public struct TenantBudget: Sendable, Hashable {
    public var policy: BudgetPolicy
    public var day: PeriodBudget
    public var month: PeriodBudget
    /// External API cost in the tenant's local month (reported beside the LLM budgets).
    public var externalAPIMonthSpend: Money
    /// Conversations over their limit with at least one event in the local month.
    public var conversationsOverLimit: Int
    /// LLM spend of the local day by provider (the `llm_cost_current_day_usd` gauge).
    public var daySpendByProvider: [String: Money]

    public var tenantID: String { policy.tenantID }
}

/// LLM spend against one budget over a local day or month.
public struct PeriodBudget: Sendable, Hashable {
    public var period: LocalPeriod
    public var spend: Money
    public var budget: Money
    public var utilization: Ratio
    public var remaining: Money
    public var projected: Money
    public var status: BudgetStatus

    /// - Parameter lastHourSpend: LLM cost in `(asOf - 1 h, asOf]`, used while under an hour has elapsed.
    init(period: LocalPeriod, spend: Money, lastHourSpend: Money, budget: Money, asOf: Int64, policy: BudgetPolicy) {
        self.period = period
        self.spend = spend
        self.budget = budget
        utilization = Ratio(spend, over: budget)
        remaining = spend < budget ? budget - spend : .zero
        let elapsed = asOf - period.start
        let hour: Int64 = 3_600_000
        projected =
            elapsed < hour
            ? Money.roundedHalfToEven(Int128(lastHourSpend.nanos) * Int128(period.length), divisor: Int128(hour))
            : Money.roundedHalfToEven(Int128(spend.nanos) * Int128(period.length), divisor: Int128(elapsed))
        status = BudgetStatus(spend: spend, budget: budget, warning: policy.warningThreshold, critical: policy.criticalThreshold)
    }
}
