import CostLedger
import Pricing

extension Optimizer {
    /// Prompt tokens that repeat a fingerprint within the cache's 5-minute lifetime without being
    /// cached, on a model with a cache-read price: what they cost minus what they would cost as
    /// cache reads, minus the cache-write premium of the first use in each window. Without
    /// fingerprints, a low cache-hit ratio, under a stated assumption.
    func caching(_ window: Window) -> [Recommendation] {
        typealias Model = PromptCacheModel
        var repeated: [Model: (picos: Int128, tokens: Int64, windows: Int64)] = [:]
        for (model, use) in window.promptCacheRepeats {
            guard let row = prices.llmRow(provider: model.provider, model: model.model, on: window.date)?.row, let read = row.cacheRead else {
                continue
            }
            let write = row.cacheWrite ?? row.input
            let picos = Int128(use.repeatedTokens) * Int128(row.input.millionths - read.millionths)
                - Int128(use.firstTokens) * Int128(write.millionths - row.input.millionths)
            repeated[model] = (picos, use.repeatedTokens, use.windows)
        }
        var found: [Recommendation] = []
        for (model, entry) in repeated where entry.picos > 0 {
            let savings = money(picos: entry.picos)
            found.append(
                make(
                    .caching, tenant: model.tenantID, subject: [model.provider, model.model], savings: savings, window: window,
                    title: "Cache the repeated prompt prefixes sent to \(model.model)",
                    description: "\(entry.tokens) uncached input tokens repeated a prompt fingerprint within 5 minutes in \(entry.windows) "
                        + "cache windows over \(days(model.tenantID, window)). As cache reads they would cost \(savings) USD less, "
                        + "after paying the cache-write premium once per window.",
                    implementation: "Mark the static prefix (system prompt, tools) cacheable, e.g. Anthropic cache_control: {type: \"ephemeral\"}; keep it byte-identical between requests.",
                    current: "\(entry.tokens) repeated input tokens billed at the input price",
                    target: "the same tokens billed at the cache-read price"))
        }
        // Without fingerprints: a cache-hit ratio below the target.
        let fingerprinted = window.fingerprinted
        var tokens: [Model: (input: Int64, cached: Int64)] = [:]
        for (key, totals) in window.usage where key.kind == .llm {
            let model = Model(tenantID: key.tenantID, provider: key.provider, model: key.model)
            guard !fingerprinted.contains(model) else { continue }
            var entry = tokens[model] ?? (0, 0)
            entry.input += totals.inputTokens
            entry.cached += totals.cachedTokens
            tokens[model] = entry
        }
        let target = Int128(settings.cacheHitRatioTarget.millionths)
        for (model, entry) in tokens where entry.input > 0 && Int128(entry.cached) * 1_000_000 < Int128(entry.input) * target {
            guard let row = prices.llmRow(provider: model.provider, model: model.model, on: window.date)?.row, let read = row.cacheRead,
                !row.isFallback
            else { continue }
            // (target × input − cached) tokens moved from the input price to the cache-read price.
            let picos = (Int128(entry.input) * target - Int128(entry.cached) * 1_000_000) * Int128(row.input.millionths - read.millionths)
                / 1_000_000
            let savings = money(picos: picos)
            let ratio = Ratio(millionths: Int64(Int128(entry.cached) * 1_000_000 / Int128(entry.input)))
            found.append(
                make(
                    .caching, tenant: model.tenantID, subject: [model.provider, model.model, "hit-ratio"], savings: savings, window: window,
                    title: "Raise the prompt-cache hit ratio of \(model.model)",
                    description: "Only \(ratio) of the \(entry.input) input tokens sent to \(model.model) were cache reads. Assuming "
                        + "\(settings.cacheHitRatioTarget) of input tokens are a reusable prefix (no prompt_fingerprint was reported to "
                        + "check it), reaching that ratio saves \(savings) USD over \(days(model.tenantID, window)).",
                    implementation: "Enable prompt caching for the static prefix and report prompt_fingerprint so the saving can be measured.",
                    current: "cache-hit ratio \(ratio)", target: "cache-hit ratio \(Ratio(millionths: settings.cacheHitRatioTarget.millionths))"))
        }
        return found
    }
}
