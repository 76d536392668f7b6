import CostLedger
import Pricing

/// Computes every tenant's budget status at an instant from the ledger's rollups.
///
/// Tenants are grouped by time zone, so each distinct local day and month is summed once
/// whatever the number of tenants.
public struct BudgetEngine {
    public let aggregates: LedgerAggregates
    public let tenants: TenantDirectory

    public init(aggregates: LedgerAggregates, tenants: TenantDirectory) {
        self.aggregates = aggregates
        self.tenants = tenants
    }

    /// The budgets of `tenantIDs` plus every tenant of the tenants file, sorted by tenant id, and
    /// the sums they were computed from.
    ///
    /// Counts the events with `timestamp <= asOf` only, so a past `asOf` reproduces a past report.
    public func budgets(asOf: Timestamp, tenantIDs: Set<String>) async throws -> BudgetSnapshot {
        let asOf = asOf.millis
        let end = asOf + 1
        let policies = Set(tenantIDs).union(tenants.listedTenants).sorted().map(tenants.policy(for:))
        let conversations = try await aggregates.conversations(to: end)
        var overLimit: [String: [(ConversationKey, ConversationActivity)]] = [:]
        for (key, activity) in conversations { overLimit[key.tenantID, default: []].append((key, activity)) }
        let lastHour = try await aggregates.spend(from: asOf - 3_600_000 + 1, to: end)

        var budgets: [TenantBudget] = []
        for (timezone, group) in Dictionary(grouping: policies, by: \.timezone) {
            guard let day = LocalPeriod(.day, containing: asOf, timezone: timezone),
                let month = LocalPeriod(.month, containing: asOf, timezone: timezone)
            else { continue }
            let daySpend = try await aggregates.spend(from: day.start, to: end)
            let monthSpend = try await aggregates.spend(from: month.start, to: end)
            for policy in group {
                let tenant = policy.tenantID
                let hourLLM = Self.total(lastHour, tenant: tenant, kind: .llm)
                let overCount = (overLimit[tenant] ?? []).filter { _, activity in
                    activity.cost > policy.perConversationLimit && activity.lastActive >= month.start
                }.count
                budgets.append(
                    TenantBudget(
                        policy: policy,
                        day: PeriodBudget(
                            period: day, spend: Self.total(daySpend, tenant: tenant, kind: .llm), lastHourSpend: hourLLM,
                            budget: policy.dailyBudget, asOf: asOf, policy: policy),
                        month: PeriodBudget(
                            period: month, spend: Self.total(monthSpend, tenant: tenant, kind: .llm), lastHourSpend: hourLLM,
                            budget: policy.monthlyBudget, asOf: asOf, policy: policy),
                        externalAPIMonthSpend: Self.total(monthSpend, tenant: tenant, kind: .api),
                        conversationsOverLimit: overCount,
                        daySpendByProvider: Self.byProvider(daySpend, tenant: tenant)))
            }
        }
        return BudgetSnapshot(
            tenants: budgets.sorted { $0.tenantID < $1.tenantID }, conversations: conversations, lastHourSpend: lastHour)
    }

    private static func byProvider(_ spend: [SpendKey: SpendTotals], tenant: String) -> [String: Money] {
        var result: [String: Money] = [:]
        for (key, value) in spend where key.tenantID == tenant && key.kind == .llm {
            result[key.source, default: .zero] = result[key.source, default: .zero] + value.cost
        }
        return result
    }

    private static func total(_ spend: [SpendKey: SpendTotals], tenant: String, kind: EventKind) -> Money {
        spend.reduce(Money.zero) { sum, entry in
            entry.key.tenantID == tenant && entry.key.kind == kind ? sum + entry.value.cost : sum
        }
    }
}

/// Every tenant's budget at an instant, with the sums behind it that other outputs reuse.
public struct BudgetSnapshot: Sendable {
    public var tenants: [TenantBudget]
    /// Every conversation's LLM cost up to the instant.
    public var conversations: [ConversationKey: ConversationActivity]
    /// Spend in the hour before the instant, `(asOf - 1 h, asOf]`.
    public var lastHourSpend: [SpendKey: SpendTotals]
}
