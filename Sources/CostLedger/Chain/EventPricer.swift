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

/// What ingest does with an LLM event that only a fallback row would price (contract 11.3).
public enum UnknownModelPolicy: String, Sendable, CaseIterable {
    /// Store it, priced by the fallback and marked estimated.
    case estimate
    /// Reject it with `unknown_model`, unless it carries `provider_cost_usd`.
    case reject
}

/// Prices events as the ledger stores them: the price row in force at the event's timestamp,
/// and for API calls the free quota consumed in ledger order.
public struct EventPricer: Sendable {
    /// The price reference of an event priced by its `provider_cost_usd` (section 11.3).
    public static let providerReference = "provider"

    public let prices: PriceTable
    public let unknownModels: UnknownModelPolicy

    public init(prices: PriceTable, unknownModels: UnknownModelPolicy = .estimate) {
        self.prices = prices
        self.unknownModels = unknownModels
    }

    /// The `unknown_model` rejection of an event the policy refuses, read off its pricing plan
    /// (so the model is resolved once); nil when it may be stored.
    public func refusal(of event: UsageEvent, plan: Plan) -> EventError? {
        guard unknownModels == .reject, case .llm(let call) = event.usage, call.providerCost == nil,
            case .fixed(let pricing) = plan, pricing.pricedForUnknownModel(provider: call.provider)
        else { return nil }
        return EventError(
            .unknownModel,
            "no price row knows \(call.provider)/\(call.model) (only a fallback would price it, and the event has no provider_cost_usd)",
            eventID: event.id)
    }

    /// How an event will be priced: fully known from the price table, or waiting for its quota pool's count.
    public enum Plan: Sendable, Hashable {
        case fixed(EventPricing)
        /// A successful call of an operation with a free quota.
        case quota(ServicePriceRow, pool: QuotaPool, units: Int64)
    }

    /// The pricing the event gets unless it draws on a free quota (then the quota's count decides
    /// its cost): what rollups assume before the write transaction, which corrects them.
    public func tentativePricing(_ plan: Plan) -> EventPricing {
        switch plan {
        case .fixed(let pricing): pricing
        case .quota(let row, _, _): EventPricing(cost: .zero, priceReference: row.reference, estimated: false, freeQuota: false)
        }
    }

    /// The part of pricing that needs no ledger state, so it can run before the write transaction.
    public func plan(_ event: UsageEvent) -> Plan {
        let date = event.timestamp.utcDate
        switch event.usage {
        case .llm(let call):
            let quote = prices.quote(provider: call.provider, model: call.model, usage: call.tokens, on: date)
            // A model only a fallback knows is billed what its provider reported, when it did.
            if let reported = call.providerCost, quote.row?.isFallback ?? true {
                return .fixed(EventPricing(cost: reported, priceReference: Self.providerReference, estimated: false, freeQuota: false))
            }
            return .fixed(EventPricing(cost: quote.cost, priceReference: quote.reference, estimated: quote.estimated, freeQuota: false))
        case .api(let call):
            guard let row = prices.serviceRow(service: call.service, operation: event.operation, on: date) else {
                return .fixed(EventPricing(cost: .zero, priceReference: nil, estimated: false, freeQuota: false))
            }
            guard row.freeQuotaPerMonth != nil && call.status == .success else {
                let quote = row.quote(units: call.units, succeeded: call.status == .success, quotaUsed: 0)
                return .fixed(EventPricing(cost: quote.cost, priceReference: row.reference, estimated: false, freeQuota: false))
            }
            let pool = QuotaPool(
                service: call.service, operation: event.operation,
                tenantID: row.quotaScope == .tenant ? event.tenantID : "", month: date.monthKey)
            return .quota(row, pool: pool, units: call.units)
        }
    }

    /// Completes a plan in ledger order.
    ///
    /// - Parameter quotaUsed: returns the successful calls already counted in a pool.
    /// - Returns: the pricing, and the pool the event consumes one call of, if any.
    public func price(
        _ plan: Plan, quotaUsed: (QuotaPool) throws -> Int64
    ) rethrows -> (pricing: EventPricing, consumes: QuotaPool?) {
        switch plan {
        case .fixed(let pricing):
            return (pricing, nil)
        case .quota(let row, let pool, let units):
            let quote = row.quote(units: units, succeeded: true, quotaUsed: try quotaUsed(pool))
            return (EventPricing(cost: quote.cost, priceReference: row.reference, estimated: false, freeQuota: quote.insideFreeQuota), pool)
        }
    }

    /// Prices an event in ledger order: ``plan(_:)`` then ``price(_:quotaUsed:)``.
    public func price(
        _ event: UsageEvent, quotaUsed: (QuotaPool) throws -> Int64
    ) rethrows -> (pricing: EventPricing, consumes: QuotaPool?) {
        try price(plan(event), quotaUsed: quotaUsed)
    }
}
