import CostLedger
import Pricing

extension Optimizer {
    /// Simple operations on an expensive model with small requests: the same tokens re-priced
    /// with the cheaper model of the same provider, the one `recommend.csv` names or else the one
    /// the price table gives (``PriceTableDowngrades``, contract 15.3).
    func modelSelection(_ window: Window) -> [Recommendation] {
        var found: [Recommendation] = []
        var fromTable: PriceTableDowngrades?
        for (use, totals) in window.llmUse where settings.simpleOperations.contains(use.operation) {
            let all = totals.all
            guard all.requests > 0, all.inputTokens <= settings.smallRequestTokens * all.requests else { continue }
            let cheaper: String
            let row: LLMPriceRow
            var derivedFrom: LLMPriceRow?
            if let mapped = downgrades.cheaperModel(provider: use.provider, model: use.model) {
                guard let mappedRow = prices.llmRow(provider: use.provider, model: mapped, on: window.date)?.row else { continue }
                (cheaper, row) = (mapped, mappedRow)
            } else {
                // A fallback row is not the model's own price: nothing to halve.
                guard let current = prices.llmRow(provider: use.provider, model: use.model, on: window.date), !current.estimated else {
                    continue
                }
                let table = fromTable ?? PriceTableDowngrades(prices: prices, on: window.date)
                fromTable = table
                guard let derived = table.cheaper(than: use.model, pricedBy: current.row) else { continue }
                (cheaper, row, derivedFrom) = (derived.model, derived.row, current.row)
            }
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
                        + "with \(cheaper) instead of \(all.cost) USD over \(days(use.tenantID, window))."
                        + (derivedFrom.map { Self.derivation(of: cheaper, pricedBy: row, from: $0, model: use.model) } ?? ""),
                    implementation: "Route \(use.operation) to \(use.provider)/\(cheaper) in the model routing config, and check its quality on a sample first.",
                    current: "\(all.cost) USD for \(all.requests) requests of \(use.operation) on \(use.model) in \(days(use.tenantID, window))",
                    target: "\(proposed) USD with \(cheaper)"))
        }
        return found
    }

    /// Says that `proposal` came from the price table, not from `recommend.csv`, and why (`model` as the events name it).
    static func derivation(of proposal: String, pricedBy proposed: LLMPriceRow, from current: LLMPriceRow, model: String) -> String {
        " Derived from the price table (no recommend.csv entry names a cheaper model for \(model)): \(proposal) is the most "
            + "expensive \(current.provider) model not marked deprecated whose prices, \(proposed.input) in and \(proposed.output) out "
            + "USD per 1M tokens, are both at most half of \(model)'s \(current.input) and \(current.output)."
    }

    /// The cost of `tokens` with `row` at its normal tier (a small request never reaches the long one).
    static func normalTierAttos(_ row: LLMPriceRow, _ tokens: LLMUsage) -> Int128 {
        LLMPriceQuote.pricing(tokens, standard: row, tier: nil, estimated: false, allowLongContext: false).billedAttos
    }
}
