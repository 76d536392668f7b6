import BudgetEngine
import CostLedger
import Optimizer
import Pricing

/// Everything the nightly outputs show for one `as_of`, summed once from the rollups.
public struct ReportSnapshot: Sendable {
    public var asOf: Timestamp
    /// Usage of all events with `timestamp <= asOf`.
    public var allTime: [UsageKey: UsageTotals]
    /// Usage of `asOf`'s UTC month up to `asOf` inclusive.
    public var monthToDate: [UsageKey: UsageTotals]
    /// Usage of the whole UTC day before `asOf`'s date.
    public var previousDay: [UsageKey: UsageTotals]
    /// Each tenant's cost on each UTC day of the month to date: ``monthToDate`` by day.
    public var dailySpend: [TenantDaySpend]
    /// The month's free-quota pools (``externalAPITable``, the quota gauge and the page).
    public var quotaPools: [QuotaPoolUsage]
    public var budgets: BudgetSnapshot
    public var tokenHistogram: [HistogramKey: [TokenCount]]
    public var recommendations: [Recommendation]
    public var prices: PriceTable
    /// The last record this snapshot counts (the highest sequence number with `timestamp <=
    /// asOf`), or ``LedgerHead/empty``: `verify --head` later checks the ledger still holds it.
    public var head: LedgerHead
    /// Closes, corrections and late events (section 14.3).
    public var corrections: CorrectionsSnapshot

    /// Sums the ledger for `asOf`; `optimizer` nil leaves ``recommendations`` empty.
    /// - Parameter openReader: opens another reader of the same ledger. When given, the optimiser
    ///   runs on it, in a child task, while this task sums usage and budgets.
    public init(
        store: any LedgerStore, openReader: (@Sendable () async throws -> any LedgerStore)? = nil, prices: PriceTable,
        tenants: TenantDirectory, downgrades: DowngradeMap, optimizer settings: OptimizerSettings?, asOf: Timestamp
    ) async throws {
        async let recommendedAside = Self.recommend(settings, openReader.map { .another($0) }, prices, downgrades, asOf)
        let aggregates = LedgerAggregates(store: store)
        let end = asOf.millis + 1
        let today = asOf.utcDate
        self.asOf = asOf
        self.prices = prices
        head = try await store.head(asOf: asOf) ?? .empty
        corrections = try await CorrectionsSnapshot(store: store, asOf: asOf, head: head)
        allTime = try await aggregates.usage(to: end)
        // The month once, by day: its sum is the month to date, its days the daily chart and quotas.
        let monthByDay = try await aggregates.usageByDay(from: today.firstOfMonth.startMillis, to: end)
        monthToDate = monthByDay.values.reduce(into: [:]) { sum, day in
            for (key, totals) in day { sum[key, default: UsageTotals()].add(totals) }
        }
        dailySpend = Self.dailySpend(monthByDay)
        quotaPools = Self.quotaPools(
            monthByDay: monthByDay, prices: prices, date: today,
            tenants: Set(monthToDate.keys.map(\.tenantID)).union(tenants.listedTenants))
        previousDay = try await aggregates.usage(from: today.startMillis - CivilDate.millisPerDay, to: today.startMillis)
        budgets = try await BudgetEngine(aggregates: aggregates, tenants: tenants).budgets(
            asOf: asOf, tenantIDs: Set(allTime.keys.map(\.tenantID)))
        tokenHistogram = try await aggregates.tokenHistogram(to: end)
        if let aside = try await recommendedAside {
            recommendations = aside
        } else {
            recommendations = try await Self.recommend(settings, .this(aggregates), prices, downgrades, asOf) ?? []
        }
    }

    /// Where the optimiser reads from.
    private enum OptimizerSource {
        case this(LedgerAggregates)
        case another(@Sendable () async throws -> any LedgerStore)
    }

    /// The recommendations, or nil when there is no optimiser or no source for it.
    private static func recommend(
        _ settings: OptimizerSettings?, _ source: sending OptimizerSource?, _ prices: PriceTable, _ downgrades: DowngradeMap, _ asOf: Timestamp
    ) async throws -> [Recommendation]? {
        guard let settings, let source else { return nil }
        switch source {
        case .this(let aggregates):
            return try await Optimizer(aggregates: aggregates, prices: prices, downgrades: downgrades, settings: settings).recommend(asOf: asOf)
        case .another(let openReader):
            let reader = try await openReader()
            return try await reader.closing {
                try await Optimizer(aggregates: LedgerAggregates(store: reader), prices: prices, downgrades: downgrades, settings: settings)
                    .recommend(asOf: asOf)
            }
        }
    }

    /// `YYYY-MM-DD` of `asOf` in UTC: the date in the report files' names.
    public var dateStamp: String { asOf.utcDate.description }

    /// `ledger-head-DATE.json`: `{"sequence":N,"hash":"…","as_of":"…"}` of ``head``, the file
    /// `verify --head` reads.
    public var headJSONBytes: [UInt8] {
        var object = JSONObjectWriter()
        object.integer("sequence", head.sequence)
        object.string("hash", head.hash.description)
        object.string("as_of", asOf.description)
        return object.finish() + [0x0A]
    }
}
