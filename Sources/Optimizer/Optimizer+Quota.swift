import CostLedger
import Pricing

extension Optimizer {
    /// Paid calls that repeat a `request_key` in the window (what a response cache would avoid),
    /// with when this month's free quota ran out and what was paid after.
    func quotaManagement(_ window: Window) -> [Recommendation] {
        struct Operation: Hashable {
            var tenantID: String
            var service: String
            var operation: String
        }
        var repeats: [Operation: (calls: Int64, keys: Int64, repeatCalls: Int64, savings: Money)] = [:]
        for (key, totals) in window.requestKeys where totals.requests >= 2 && totals.cost > .zero {
            let operation = Operation(tenantID: key.tenantID, service: key.service, operation: key.operation)
            var entry = repeats[operation] ?? (0, 0, 0, .zero)
            entry.calls += totals.requests
            entry.keys += 1
            entry.repeatCalls += totals.requests - 1
            // The repeats' share of what the key's calls cost.
            entry.savings = entry.savings
                + Money.roundedHalfToEven(Int128(totals.cost.nanos) * Int128(totals.requests - 1), divisor: Int128(totals.requests))
            repeats[operation] = entry
        }
        // Successful API calls per service and operation, per day of the month: read once.
        let monthStart = window.date.firstOfMonth.daysSinceEpoch
        var calls: [String: [(day: Int64, tenantID: String, totals: UsageTotals)]] = [:]
        for (day, usage) in window.usageByDay where day >= monthStart {
            for (key, totals) in usage where key.kind == .api && key.status == .success {
                calls[key.service + "/" + key.operation, default: []].append((day, key.tenantID, totals))
            }
        }
        var found: [Recommendation] = []
        for (operation, entry) in repeats {
            var description = "\(entry.repeatCalls) of \(entry.calls) successful \(operation.service) \(operation.operation) calls over "
                + "\(days(operation.tenantID, window)) asked again for one of \(entry.keys) request keys already answered; "
                + "a response cache would have saved \(entry.savings) USD."
            let poolCalls = calls[operation.service + "/" + operation.operation] ?? []
            if let exhausted = quotaExhaustion(service: operation.service, operation: operation.operation, tenant: operation.tenantID, poolCalls, window) {
                description += " This month's free quota of \(exhausted.quota) calls ran out on \(exhausted.day); "
                    + "\(exhausted.paid) USD was paid after."
            }
            found.append(
                make(
                    .quotaManagement, tenant: operation.tenantID, subject: [operation.service, operation.operation], savings: entry.savings,
                    window: window, title: "Cache \(operation.service) \(operation.operation) answers by request key",
                    description: description,
                    implementation: "Keep \(operation.service) responses by request_key (e.g. company id) and reuse them before calling again; spend the free quota on new keys.",
                    current: "\(entry.calls) paid calls for \(entry.keys) repeated request keys",
                    target: "\(entry.keys) calls with a response cache"))
        }
        return found
    }

    /// The UTC day of `window`'s month on which the quota pool of the operation first paid a call,
    /// and what the tenant paid for it this month, from the month's successful calls of the operation.
    func quotaExhaustion(
        service: String, operation: String, tenant: String, _ calls: [(day: Int64, tenantID: String, totals: UsageTotals)], _ window: Window
    ) -> (quota: Int64, day: CivilDate, paid: Money)? {
        guard let row = prices.serviceRow(service: service, operation: operation, on: window.date), let quota = row.freeQuotaPerMonth else {
            return nil
        }
        var firstPaidDay: Int64?
        var paid = Money.zero
        for call in calls where row.quotaScope == .global || call.tenantID == tenant {
            if call.totals.requests > call.totals.freeQuotaRequests && call.totals.cost > .zero {
                firstPaidDay = min(firstPaidDay ?? call.day, call.day)
            }
            if call.tenantID == tenant { paid = paid + call.totals.cost }
        }
        return firstPaidDay.map { (quota, CivilDate(daysSinceEpoch: $0), paid) }
    }
}
