import BudgetEngine
import CostLedger
import Optimizer
import Pricing
import Reports

/// The short human summary `costledger demo` prints after the report.
struct DemoSummary {
    let snapshot: ReportSnapshot
    let traffic: DemoTraffic
    let accepted: Int
    /// The ledger, as `--db` named it (a URL without its password).
    let ledger: String
    let files: [String]

    var text: String {
        var lines: [String] = []
        let events = snapshot.allTime.values.reduce(Int64(0)) { $0 + $1.requests }
        let estimated = snapshot.allTime.values.reduce(Int64(0)) { $0 + $1.estimatedRequests }
        lines.append("costledger demo — as of \(snapshot.asOf)")
        lines.append("ledger \(ledger): \(events) events (\(accepted) new), \(estimated) priced by a fallback row (estimated)")
        lines.append("")
        lines.append(contentsOf: trafficLines)
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
        if let page = files.first(where: { $0.hasSuffix(".html") }) {
            lines.append("")
            lines.append("the report to read, in any browser: \(page)")
        }
        return lines.joined(separator: "\n")
    }
}

extension DemoSummary {
    /// LLM requests by model with their tiers, the section 11 usage, what was estimated and what
    /// the provider reported.
    fileprivate var trafficLines: [String] {
        let models = traffic.models.sorted { $0.key < $1.key }
        func row(_ key: String, _ events: Int64, _ cost: Money) -> String {
            "  \(key.padding(40))\(String(events).leftPadding(6)) events \(cost.description.leftPadding(14)) USD"
        }
        var lines = ["LLM requests by model (all time; tiers other than standard):"]
        for (key, model) in models {
            let tiers = ServiceTier.allCases.filter { $0 != .standard }.compactMap { tier in
                model.tiers[tier].map { "\(tier.rawValue) \($0)" }
            }
            lines.append(row(key, model.events, model.cost) + (tiers.isEmpty ? "" : "  " + tiers.joined(separator: ", ")))
        }
        lines.append(
            "one-hour cache writes: \(traffic.cacheWrite1hTokens) tokens in \(traffic.cacheWrite1hEvents) requests; "
                + "reasoning: \(traffic.reasoningTokens) tokens in \(traffic.reasoningEvents) requests; "
                + "web searches: \(traffic.webSearches) in \(traffic.webSearchEvents) requests")
        lines.append("")
        lines.append("estimated (priced by a fallback row, not by the tables):")
        let estimated = models.filter { $0.value.estimated > 0 }
        for (key, model) in estimated {
            lines.append(row(key, model.estimated, model.estimatedCost) + "  at " + model.fallbackRows.sorted().joined(separator: ", "))
        }
        if estimated.isEmpty { lines.append("  none") }
        let reported = models.filter { $0.value.reported > 0 }
        if !reported.isEmpty {
            lines.append("")
            lines.append("reported by the provider (provider_cost_usd):")
            for (key, model) in reported {
                let how =
                    model.pricedByProvider == model.reported
                    ? "priced at the reported cost (no price row)"
                    : "reported \(model.reportedCost) USD, difference \(model.computedCost - model.reportedCost) USD"
                lines.append(row(key, model.reported, model.computedCost) + "  " + how)
            }
        }
        return lines
    }
}

extension String {
    /// Pads with spaces on the left to at least `width` characters.
    fileprivate func leftPadding(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }

    /// Pads with spaces to at least `width` characters.
    fileprivate func padding(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
