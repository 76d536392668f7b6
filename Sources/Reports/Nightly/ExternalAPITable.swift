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

        public var quotaRemaining: Int64? { freeQuota.map { max(0, $0 - quotaUsed) } }
    }

    /// `asOf`'s UTC month to date, one entry per quota pool, sorted.
    public var quotaPools: [QuotaPoolUsage] {
        let date = asOf.utcDate
        var pools: [String: QuotaPoolUsage] = [:]
        for (key, totals) in monthToDate where key.kind == .api {
            let row = prices.serviceRow(service: key.service, operation: key.operation, on: date)
            let scopedTenant = row?.quotaScope == .tenant && row?.freeQuotaPerMonth != nil ? key.tenantID : ""
            let id = [key.service, key.operation, scopedTenant].joined(separator: "\u{0}")
            var pool = pools[id] ?? QuotaPoolUsage(service: key.service, operation: key.operation, tenantID: scopedTenant)
            pool.freeQuota = row?.freeQuotaPerMonth
            pool.calls += totals.requests
            if key.status == .error { pool.errors += totals.requests }
            pool.units += totals.units
            pool.quotaUsed += totals.freeQuotaRequests
            pool.cost = pool.cost + totals.cost
            pool.unpricedCalls += totals.unpricedRequests
            pools[id] = pool
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
