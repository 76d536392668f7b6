import CostLedger
import Pricing

extension Optimizer {
    /// Operations whose average input is far above the target: the excess tokens at the input price.
    func promptOptimization(_ window: Window) -> [Recommendation] {
        var found: [Recommendation] = []
        let target = settings.targetInputTokens
        for (use, totals) in window.llmUse {
            let all = totals.all
            guard all.requests > 0,
                Int128(all.inputTokens) * 1_000_000 > Int128(target) * Int128(all.requests) * Int128(settings.promptExcessFactor.millionths),
                let row = prices.llmRow(provider: use.provider, model: use.model, on: window.date)?.row
            else { continue }
            let excess = all.inputTokens - target * all.requests
            let savings = money(picos: Int128(excess) * Int128(row.input.millionths))
            found.append(
                make(
                    .promptOptimization, tenant: use.tenantID, subject: [use.operation, use.provider, use.model], savings: savings,
                    window: window, title: "Shorten the prompts of \(use.operation) on \(use.model)",
                    description: "\(use.operation) averages \(all.inputTokens / all.requests) input tokens per request, against a target of "
                        + "\(target). The \(excess) tokens above the target cost \(savings) USD at \(row.input) USD per 1M over "
                        + "\(days(use.tenantID, window)).",
                    implementation: "Trim redundant context, load documents on demand, and use structured output schemas.",
                    current: "avg \(all.inputTokens / all.requests) input tokens/request over \(all.requests) requests",
                    target: "avg \(target) input tokens/request"))
        }
        return found
    }

    /// Many single requests of non-interactive operations on models with a batch discount.
    func batching(_ window: Window) -> [Recommendation] {
        var found: [Recommendation] = []
        for (use, totals) in window.llmUse where settings.batchOperations.contains(use.operation) {
            let single = totals.single
            guard single.requests >= settings.minimumBatchRequests,
                let row = prices.llmRow(provider: use.provider, model: use.model, on: window.date)?.row, row.batchDiscount > .zero,
                !row.isFallback
            else { continue }
            let savings = Money.roundedHalfToEven(Int128(single.cost.nanos) * Int128(row.batchDiscount.millionths), divisor: 1_000_000)
            found.append(
                make(
                    .batching, tenant: use.tenantID, subject: [use.operation, use.provider, use.model], savings: savings, window: window,
                    title: "Send \(use.operation) on \(use.model) through the batch API",
                    description: "\(single.requests) single \(use.operation) requests cost \(single.cost) USD over "
                        + "\(days(use.tenantID, window)); \(use.provider)'s batch API takes \(row.batchDiscount) off, saving \(savings) USD.",
                    implementation: "Queue \(use.operation) requests and submit them with the provider's batch API (results within 24 h).",
                    current: "\(single.requests) single requests, \(single.cost) USD",
                    target: "\(single.cost - savings) USD as batch requests"))
        }
        return found
    }
}
