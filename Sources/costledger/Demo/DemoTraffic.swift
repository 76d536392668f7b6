import CostLedger
import Pricing

/// The demo ledger's LLM requests by model, read from the stored line items up to `as_of`: how
/// each model was priced (the tables, a fallback row, the provider's reported cost), in which
/// tiers, and the section 11 usage (one-hour cache writes, reasoning, web searches).
struct DemoTraffic {
    /// The requests of one `provider/model`.
    struct Model {
        var events: Int64 = 0
        var cost: Money = .zero
        var tiers: [ServiceTier: Int64] = [:]
        /// Priced by a fallback row (`provider,*` or `*,*`), with the rows used.
        var estimated: Int64 = 0
        var estimatedCost: Money = .zero
        var fallbackRows: Set<String> = []
        /// Carrying `provider_cost_usd`, and of those, priced by it (no row but a fallback).
        var reported: Int64 = 0
        var reportedCost: Money = .zero
        var computedCost: Money = .zero
        var pricedByProvider: Int64 = 0
    }

    var models: [String: Model] = [:]
    var cacheWrite1hEvents: Int64 = 0
    var cacheWrite1hTokens: Int64 = 0
    var reasoningEvents: Int64 = 0
    var reasoningTokens: Int64 = 0
    var webSearchEvents: Int64 = 0
    var webSearches: Int64 = 0

    /// Sums the LLM line items of `store` with `timestamp <= asOf`.
    init(store: any LedgerStore, asOf: Timestamp) async throws {
        try await store.forEachLineItem(RecordQuery(to: Timestamp(millis: asOf.millis + 1))) { item in
            guard item.kind == .llm else { return }
            let key = String(decoding: item.provider, as: UTF8.self) + "/" + String(decoding: item.model, as: UTF8.self)
            var model = models[key, default: Model()]
            model.events += 1
            model.cost = model.cost + item.cost
            model.tiers[item.serviceTier ?? .standard, default: 0] += 1
            if item.estimated {
                model.estimated += 1
                model.estimatedCost = model.estimatedCost + item.cost
                model.fallbackRows.insert(String(decoding: item.priceReference, as: UTF8.self))
            }
            if let reported = item.providerCost {
                model.reported += 1
                model.reportedCost = model.reportedCost + reported
                model.computedCost = model.computedCost + item.cost
                if item.priceReference.elementsEqual(EventPricer.providerReference.utf8) { model.pricedByProvider += 1 }
            }
            models[key] = model
            if item.moreTokens.cacheWrite1h > 0 {
                cacheWrite1hEvents += 1
                cacheWrite1hTokens += item.moreTokens.cacheWrite1h
            }
            if item.moreTokens.reasoning > 0 {
                reasoningEvents += 1
                reasoningTokens += item.moreTokens.reasoning
            }
            if item.webSearchRequests > 0 {
                webSearchEvents += 1
                webSearches += item.webSearchRequests
            }
        }
    }
}
