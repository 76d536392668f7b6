import Pricing

/// The free-quota pool an API call draws from in one UTC month.
public struct QuotaPool: Sendable, Hashable {
    public var service: String
    public var operation: String
    /// Empty for a `global` pool.
    public var tenantID: String
    /// `YYYY-MM` of the call's UTC timestamp.
    public var month: String

    public init(service: String, operation: String, tenantID: String, month: String) {
        self.service = service
        self.operation = operation
        self.tenantID = tenantID
        self.month = month
    }
}

/// Prices events as the ledger stores them: the price row in force at the event's timestamp,
/// and for API calls the free quota consumed in ledger order.
public struct EventPricer: Sendable {
    public let prices: PriceTable

    public init(prices: PriceTable) {
        self.prices = prices
    }

    /// What an event costs given how much of its quota pool is used.
    ///
    /// - Parameter quotaUsed: returns the successful calls already counted in a pool.
    /// - Returns: the pricing, and the pool the event consumes one call of, if any.
    public func price(
        _ event: UsageEvent, quotaUsed: (QuotaPool) throws -> Int64
    ) rethrows -> (pricing: EventPricing, consumes: QuotaPool?) {
        let date = event.timestamp.utcDate
        switch event.usage {
        case .llm(let call):
            let quote = prices.quote(provider: call.provider, model: call.model, usage: call.tokens, on: date)
            return (
                EventPricing(cost: quote.cost, priceReference: quote.row?.reference, estimated: quote.estimated, freeQuota: false),
                nil
            )
        case .api(let call):
            guard let row = prices.serviceRow(service: call.service, operation: event.operation, on: date) else {
                return (EventPricing(cost: .zero, priceReference: nil, estimated: false, freeQuota: false), nil)
            }
            var pool: QuotaPool?
            var used: Int64 = 0
            if row.freeQuotaPerMonth != nil && call.status == .success {
                let key = QuotaPool(
                    service: call.service, operation: event.operation,
                    tenantID: row.quotaScope == .tenant ? event.tenantID : "", month: date.monthKey)
                used = try quotaUsed(key)
                pool = key
            }
            let quote = row.quote(units: call.units, succeeded: call.status == .success, quotaUsed: used)
            return (
                EventPricing(cost: quote.cost, priceReference: row.reference, estimated: false, freeQuota: quote.insideFreeQuota),
                pool
            )
        }
    }
}
