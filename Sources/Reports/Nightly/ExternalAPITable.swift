import CostLedger
import Pricing

extension ReportSnapshot {
    /// A free-quota pool of an external API operation in a month: all tenants together, or one
    /// tenant for a `tenant`-scoped quota.
    public struct QuotaPoolUsage: Sendable, Hashable {
        public var service: String
        public var operation: String
        /// Empty for a global pool.
        public var tenantID: String
        public var calls: Int64 = 0
        public var errors: Int64 = 0
        public var units: Int64 = 0
        public var freeQuota: Int64?
        public var quotaUsed: Int64 = 0
        public var cost: Money = .zero
        public var unpricedCalls: Int64 = 0
        /// The UTC day by whose end the month's free calls were all used, nil while some remain
        /// (or when there is no quota).
        public var exhaustedOn: CivilDate?

        public var quotaRemaining: Int64? { freeQuota.map { max(0, $0 - quotaUsed) } }
    }

    /// `asOf`'s UTC month to date, one entry per quota pool, sorted: the pools with calls, and
    /// every `(service, operation)` in force on `asOf`'s date with a free quota even without calls
    /// (contract 15.2), a `tenant`-scoped one for each of `tenants`.
    /// - Parameter monthByDay: the month's usage per UTC day (days since the epoch).
    static func quotaPools(
        monthByDay: [Int64: [UsageKey: UsageTotals]], prices: PriceTable, date: CivilDate, tenants: Set<String>
    ) -> [QuotaPoolUsage] {
        func id(_ service: String, _ operation: String, _ tenant: String) -> String {
            [service, operation, tenant].joined(separator: "\u{0}")
        }
        var pools: [String: QuotaPoolUsage] = [:]
        var keys: Set<[String]> = []
        for row in prices.allServiceRows where keys.insert([row.service, row.operation]).inserted {
            guard let inForce = prices.serviceRow(service: row.service, operation: row.operation, on: date),
                let quota = inForce.freeQuotaPerMonth
            else { continue }
            for tenant in inForce.quotaScope == .tenant ? tenants.sorted() : [""] {
                pools[id(row.service, row.operation, tenant)] = QuotaPoolUsage(
                    service: row.service, operation: row.operation, tenantID: tenant, freeQuota: quota)
            }
        }
        // Days in order, so the day a pool's quota ran out is the first that used it up.
        for day in monthByDay.keys.sorted() {
            for (key, totals) in monthByDay[day] ?? [:] where key.kind == .api {
                let row = prices.serviceRow(service: key.service, operation: key.operation, on: date)
                let scopedTenant = row?.quotaScope == .tenant && row?.freeQuotaPerMonth != nil ? key.tenantID : ""
                let poolID = id(key.service, key.operation, scopedTenant)
                var pool = pools[poolID] ?? QuotaPoolUsage(service: key.service, operation: key.operation, tenantID: scopedTenant)
                pool.freeQuota = row?.freeQuotaPerMonth
                pool.calls += totals.requests
                if key.status == .error { pool.errors += totals.requests }
                pool.units += totals.units
                pool.quotaUsed += totals.freeQuotaRequests
                pool.cost = pool.cost + totals.cost
                pool.unpricedCalls += totals.unpricedRequests
                pools[poolID] = pool
            }
            for (poolID, pool) in pools where pool.exhaustedOn == nil {
                if let quota = pool.freeQuota, quota > 0, pool.quotaUsed >= quota {
                    pools[poolID]?.exhaustedOn = CivilDate(daysSinceEpoch: day)
                }
            }
        }
        return pools.values.sorted { ($0.service, $0.operation, $0.tenantID) < ($1.service, $1.operation, $1.tenantID) }
    }

    /// `external-api-DATE.csv`.
    public var externalAPITable: ReportTable {
        var table = ReportTable(columns: [
            "service", "operation", "tenant_id", "calls", "errors", "units", "free_quota", "quota_used", "quota_remaining", "cost_usd",
            "unpriced_calls",
        ])
        table.rows = quotaPools.map { pool in
            [
                .text(pool.service), .text(pool.operation), .text(pool.tenantID), .count(pool.calls), .count(pool.errors), .count(pool.units),
                pool.freeQuota.map { .count($0) } ?? .empty, pool.freeQuota == nil ? .empty : .count(pool.quotaUsed),
                pool.quotaRemaining.map { .count($0) } ?? .empty, .money(pool.cost), .count(pool.unpricedCalls),
            ]
        }
        return table
    }
}
