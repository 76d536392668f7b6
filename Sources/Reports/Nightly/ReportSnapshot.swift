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
    public var budgets: BudgetSnapshot
    public var tokenHistogram: [HistogramKey: [TokenCount]]
    public var recommendations: [Recommendation]
    public var prices: PriceTable
    /// The last record this snapshot counts (the highest sequence number with `timestamp <=
    /// asOf`), or ``LedgerHead/empty``: `verify --head` later checks the ledger still holds it.
    public var head: LedgerHead

    /// Sums the ledger for `asOf`; `optimizer` nil leaves ``recommendations`` empty.
    /// - Parameter openReader: opens another connection to the same ledger. When given, the
    ///   optimiser runs on it on a second thread while this one sums usage and budgets.
    public init(
        store: any LedgerStore, openReader: (@Sendable () throws -> any LedgerStore)? = nil, prices: PriceTable,
        tenants: TenantDirectory, downgrades: DowngradeMap, optimizer settings: OptimizerSettings?, asOf: Timestamp
    ) throws {
        @Sendable func recommend(_ aggregates: LedgerAggregates, _ settings: OptimizerSettings) throws -> [Recommendation] {
            try Optimizer(aggregates: aggregates, prices: prices, downgrades: downgrades, settings: settings).recommend(asOf: asOf)
        }
        var background: BackgroundResult<[Recommendation]>?
        if let settings, let openReader {
            background = BackgroundResult { try recommend(LedgerAggregates(store: try openReader()), settings) }
        }
        let aggregates = LedgerAggregates(store: store)
        let end = asOf.millis + 1
        let today = asOf.utcDate
        self.asOf = asOf
        self.prices = prices
        head = try store.head(asOf: asOf) ?? .empty
        allTime = try aggregates.usage(to: end)
        monthToDate = try aggregates.usage(from: today.firstOfMonth.startMillis, to: end)
        previousDay = try aggregates.usage(from: today.startMillis - CivilDate.millisPerDay, to: today.startMillis)
        budgets = try BudgetEngine(aggregates: aggregates, tenants: tenants).budgets(
            asOf: asOf, tenantIDs: Set(allTime.keys.map(\.tenantID)))
        tokenHistogram = try aggregates.tokenHistogram(to: end)
        recommendations = try background?.value() ?? settings.map { try recommend(aggregates, $0) } ?? []
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
