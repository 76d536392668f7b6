import BudgetEngine
import CostLedger
import Optimizer
import Pricing
import Reports

/// The short human summary `costledger demo` prints after the report.
struct DemoSummary {
    let snapshot: ReportSnapshot
    let accepted: Int
    let ledgerPath: String
    let files: [String]

    var text: String {
        var lines: [String] = []
        let events = snapshot.allTime.values.reduce(Int64(0)) { $0 + $1.requests }
        let estimated = snapshot.allTime.values.reduce(Int64(0)) { $0 + $1.estimatedRequests }
        lines.append("costledger demo — as of \(snapshot.asOf)")
        lines.append("ledger \(ledgerPath): \(events) events (\(accepted) new), \(estimated) priced by a fallback row (estimated)")
        lines.append("")
        lines.append("month-to-date spend by tenant (UTC month):")
        var byTenant: [String: Money] = [:]
        for (key, totals) in snapshot.monthToDate { byTenant[key.tenantID, default: .zero] = byTenant[key.tenantID, default: .zero] + totals.cost }
        for (tenant, cost) in byTenant.sorted(by: { $0.value > $1.value }) {
            lines.append("  \(tenant.padding(12))\(cost) USD")
        }
        lines.append("")
        lines.append("LLM budgets (tenant's local day and month):")
        for budget in snapshot.budgets.tenants {
            lines.append(
                "  \(budget.tenantID.padding(12))day \(budget.day.spend) / \(budget.day.budget) \(budget.day.status.rawValue.padding(9))"
                    + "month \(budget.month.spend) / \(budget.month.budget) \(budget.month.status.rawValue.padding(9))"
                    + "conversations over limit: \(budget.conversationsOverLimit)")
        }
        let quotas = snapshot.quotaPools.filter { $0.freeQuota != nil }
        if !quotas.isEmpty {
            lines.append("")
            lines.append("free quotas this month:")
            for pool in quotas {
                lines.append("  \("\(pool.service)/\(pool.operation)".padding(24))used \(pool.quotaUsed) of \(pool.freeQuota ?? 0), paid \(pool.cost) USD")
            }
        }
        lines.append("")
        lines.append("top recommendations (savings a month):")
        for item in snapshot.recommendations.prefix(5) {
            lines.append("  \(item.tenantID.padding(12))\(item.estimatedMonthlySavings) USD  [\(item.category.rawValue)] \(item.title)")
        }
        if snapshot.recommendations.isEmpty { lines.append("  none") }
        lines.append("")
        lines.append("files:")
        for file in files { lines.append("  \(file)") }
        return lines.joined(separator: "\n")
    }
}

extension String {
    /// Pads with spaces to at least `width` characters.
    fileprivate func padding(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
