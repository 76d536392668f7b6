import CostLedger
import Pricing

extension Optimizer {
    /// Simple operations on an expensive model with small requests: the same tokens re-priced
    /// with the cheaper model of the same provider.
    func modelSelection(_ window: Window) -> [Recommendation] {
        var found: [Recommendation] = []
        for (use, totals) in window.llmUse where settings.simpleOperations.contains(use.operation) {
            let all = totals.all
            guard all.requests > 0, all.inputTokens <= settings.smallRequestTokens * all.requests,
                let cheaper = downgrades.cheaperModel(provider: use.provider, model: use.model),
                let row = prices.llmRow(provider: use.provider, model: cheaper, on: window.date)?.row
            else { continue }
            var proposedAttos: Int128 = 0
            for (part, batch) in [(totals.single, false), (totals.batch, true)] where part.requests > 0 {
                let tokens = LLMUsage(
                    inputTokens: part.inputTokens, outputTokens: part.outputTokens, cachedTokens: part.cachedTokens,
                    cacheWriteTokens: part.cacheWriteTokens, batch: batch)
                proposedAttos += Self.normalTierAttos(row, tokens)
            }
            let proposed = Money.roundedHalfToEven(proposedAttos, divisor: 1_000_000_000)
            guard proposed < all.cost else { continue }
            let average = all.inputTokens / all.requests
            found.append(
                make(
                    .modelSelection, tenant: use.tenantID, subject: [use.operation, use.provider, use.model], savings: all.cost - proposed,
                    window: window, title: "Switch \(use.operation) from \(use.model) to \(cheaper)",
                    description: "\(use.operation) sends small requests (\(average) input tokens on average, at most \(settings.smallRequestTokens)) "
                        + "to \(use.model). The same \(all.inputTokens) input and \(all.outputTokens) output tokens cost \(proposed) USD "
                        + "with \(cheaper) instead of \(all.cost) USD over \(days(use.tenantID, window)).",
                    implementation: "Route \(use.operation) to \(use.provider)/\(cheaper) in the model routing config, and check its quality on a sample first.",
                    current: "\(all.cost) USD for \(all.requests) requests of \(use.operation) on \(use.model) in \(days(use.tenantID, window))",
                    target: "\(proposed) USD with \(cheaper)"))
        }
        return found
    }

    /// The cost of `tokens` with `row` at its normal tier (a small request never reaches the long one).
    static func normalTierAttos(_ row: LLMPriceRow, _ tokens: LLMUsage) -> Int128 {
        LLMPriceQuote.pricing(tokens, standard: row, tier: nil, estimated: false, allowLongContext: false).billedAttos
    }
}
