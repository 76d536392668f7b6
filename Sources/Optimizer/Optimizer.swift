import CostLedger
import Pricing

/// Finds savings in each tenant's events of a window before `as_of` and prices them with the real
/// price table: every figure re-prices the tenant's own token counts, calls and windows under the
/// proposed change, scaled to 30 days. Reads the rollups only, never the whole ledger.
public struct Optimizer {
    public let aggregates: LedgerAggregates
    public let prices: PriceTable
    public let downgrades: DowngradeMap
    public var settings: OptimizerSettings

    public init(aggregates: LedgerAggregates, prices: PriceTable, downgrades: DowngradeMap, settings: OptimizerSettings = .init()) {
        self.aggregates = aggregates
        self.prices = prices
        self.downgrades = downgrades
        self.settings = settings
    }

    /// The window's usage, as the finders see it.
    struct Window {
        let start: Int64
        let end: Int64
        let date: CivilDate
        let usage: [UsageKey: UsageTotals]
        let usageByDay: [Int64: [UsageKey: UsageTotals]]
        let promptCacheRepeats: [PromptCacheModel: PromptCacheRepeats]
        let fingerprinted: Set<PromptCacheModel>
        let requestKeys: [RequestKeyKey: SpendTotals]
        /// Per tenant, the length the savings are scaled from: from the tenant's first day with
        /// events in the window (or the window's start) to `as_of`.
        let lengths: [String: Int64]
    }

    /// Every recommendation at or above the savings floor, largest saving first (then by id).
    public func recommend(asOf: Timestamp) async throws -> [Recommendation] {
        let end = asOf.millis + 1
        let start = end - settings.windowDays * CivilDate.millisPerDay
        let byDay = try await aggregates.usageByDay(from: start, to: end)
        var firstDay: [String: Int64] = [:]
        for (day, usage) in byDay {
            for key in usage.keys { firstDay[key.tenantID] = min(firstDay[key.tenantID] ?? .max, day) }
        }
        var usage: [UsageKey: UsageTotals] = [:]
        for totals in byDay.values {
            for (key, value) in totals { usage[key, default: UsageTotals()].add(value) }
        }
        let window = Window(
            start: start, end: end, date: asOf.utcDate, usage: usage, usageByDay: byDay,
            promptCacheRepeats: try await aggregates.promptCacheRepeats(from: start, to: end),
            fingerprinted: Set(usage.filter { $0.value.fingerprintedRequests > 0 }.keys.map(PromptCacheModel.init)),
            requestKeys: try await aggregates.requestKeys(from: start, to: end, minimumRequests: 2),
            lengths: firstDay.mapValues { end - max(start, $0 * CivilDate.millisPerDay) })
        var found: [Recommendation] = []
        found += modelSelection(window)
        found += caching(window)
        found += promptOptimization(window)
        found += batching(window)
        found += quotaManagement(window)
        return found.filter { $0.estimatedMonthlySavings >= settings.savingsFloor && $0.estimatedMonthlySavings > .zero }
            .sorted { ($0.estimatedMonthlySavings, $1.id) > ($1.estimatedMonthlySavings, $0.id) }
    }

    /// `amount` over the tenant's window length, scaled to 30 days, rounded half to even.
    func monthly(_ amount: Money, tenant: String, _ window: Window) -> Money {
        let length = window.lengths[tenant] ?? (window.end - window.start)
        return Money.roundedHalfToEven(Int128(amount.nanos) * Int128(30 * CivilDate.millisPerDay), divisor: Int128(max(length, 1)))
    }

    func days(_ tenant: String, _ window: Window) -> String {
        let length = window.lengths[tenant] ?? (window.end - window.start)
        return ExactDecimal.format(Int128(length / 8_640_000), scale: 1, minFractionDigits: 1) + " days"
    }

    func make(
        _ category: Recommendation.Category, tenant: String, subject: [String], savings: Money, window: Window, title: String,
        description: String, implementation: String, current: String, target: String
    ) -> Recommendation {
        let monthlySavings = monthly(savings, tenant: tenant, window)
        return Recommendation(
            id: Recommendation.stableID(category, tenant, subject), tenantID: tenant, category: category,
            priority: settings.priority(monthlySavings), title: title, description: description,
            estimatedMonthlySavings: monthlySavings, implementation: implementation, currentMetric: current, targetMetric: target)
    }
}

/// LLM usage merged over workers and statuses, keyed by tenant, operation, provider, model and batch.
struct ModelUse: Hashable {
    var tenantID: String
    var operation: String
    var provider: String
    var model: String
}

extension Optimizer.Window {
    /// LLM usage per tenant, operation, provider and model, split by the batch flag.
    var llmUse: [ModelUse: (all: UsageTotals, batch: UsageTotals, single: UsageTotals)] {
        var groups: [ModelUse: (all: UsageTotals, batch: UsageTotals, single: UsageTotals)] = [:]
        for (key, totals) in usage where key.kind == .llm {
            let use = ModelUse(tenantID: key.tenantID, operation: key.operation, provider: key.provider, model: key.model)
            var entry = groups[use] ?? (UsageTotals(), UsageTotals(), UsageTotals())
            entry.all.add(totals)
            if key.batch { entry.batch.add(totals) } else { entry.single.add(totals) }
            groups[use] = entry
        }
        return groups
    }
}

/// Picos (1e-12 USD) to nano-USD, half to even.
func money(picos: Int128) -> Money { Money.roundedHalfToEven(picos, divisor: 1000) }
