import CostLedger
import Pricing

extension ReportSnapshot {
    /// One tenant's cost (LLM and external API) on one UTC day.
    public struct TenantDaySpend: Sendable, Hashable {
        public var day: CivilDate
        public var tenantID: String
        public var cost: Money

        public init(day: CivilDate, tenantID: String, cost: Money) {
            self.day = day
            self.tenantID = tenantID
            self.cost = cost
        }
    }

    /// Per UTC day and tenant, the cost of the day's usage, sorted by day then tenant; days and
    /// tenants without usage have no entry.
    static func dailySpend(_ byDay: [Int64: [UsageKey: UsageTotals]]) -> [TenantDaySpend] {
        var spend: [TenantDaySpend] = []
        for (day, usage) in byDay {
            var tenants: [String: Money] = [:]
            for (key, totals) in usage { tenants[key.tenantID, default: .zero] = tenants[key.tenantID, default: .zero] + totals.cost }
            for (tenant, cost) in tenants { spend.append(TenantDaySpend(day: CivilDate(daysSinceEpoch: day), tenantID: tenant, cost: cost)) }
        }
        return spend.sorted { ($0.day, $0.tenantID) < ($1.day, $1.tenantID) }
    }
}
