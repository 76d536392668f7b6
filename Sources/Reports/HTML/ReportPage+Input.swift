import BudgetEngine
import CostLedger
import Pricing

extension ReportPage {
    /// What the page shows: the tables the run's CSV files are written from, and the few values of
    /// the same snapshot that no file carries (thresholds, days, the day a quota ran out).
    public struct Input: Sendable {
        public var asOf: Timestamp
        public var head: LedgerHead
        /// `cost-summary-DATE`: both periods; the page reads the month's rows and the previous day's total.
        public var costSummary: ReportTable
        /// `budgets-DATE`.
        public var budgets: ReportTable
        /// Each tenant's warning and critical thresholds, marked on its budget bars.
        public var thresholds: [String: Thresholds]
        /// `recommendations-DATE`.
        public var recommendations: ReportTable
        /// `external-api-DATE`.
        public var externalAPI: ReportTable
        /// The UTC day each pool's free quota ran out, by `[service, operation, tenant_id]`.
        public var quotaExhaustion: [[String]: CivilDate]
        /// `reconciliation-DATE`.
        public var reconciliation: ReportTable
        /// Each tenant's cost per UTC day of the month to date (the daily chart).
        public var dailySpend: [ReportSnapshot.TenantDaySpend]
        /// LLM events of the month priced without a row for their model, by provider and model.
        public var unknownModels: [ModelEvents]
        /// Late events and corrections (contract 14): listed under what needs attention when given.
        public var lateEventsAndCorrections: LateEventsAndCorrections

        public init(
            asOf: Timestamp, head: LedgerHead, costSummary: ReportTable, budgets: ReportTable, thresholds: [String: Thresholds],
            recommendations: ReportTable, externalAPI: ReportTable, quotaExhaustion: [[String]: CivilDate], reconciliation: ReportTable,
            dailySpend: [ReportSnapshot.TenantDaySpend], unknownModels: [ModelEvents],
            lateEventsAndCorrections: LateEventsAndCorrections = LateEventsAndCorrections()
        ) {
            self.asOf = asOf
            self.head = head
            self.costSummary = costSummary
            self.budgets = budgets
            self.thresholds = thresholds
            self.recommendations = recommendations
            self.externalAPI = externalAPI
            self.quotaExhaustion = quotaExhaustion
            self.reconciliation = reconciliation
            self.dailySpend = dailySpend
            self.unknownModels = unknownModels
            self.lateEventsAndCorrections = lateEventsAndCorrections
        }
    }

    /// A tenant's budget thresholds, as fractions of the budget.
    public struct Thresholds: Sendable, Hashable {
        public var warning: Decimal6
        public var critical: Decimal6

        public init(warning: Decimal6, critical: Decimal6) {
            self.warning = warning
            self.critical = critical
        }
    }

    /// A count of events of one provider and model.
    public struct ModelEvents: Sendable, Hashable {
        public var provider: String
        public var model: String
        public var events: Int64

        public init(provider: String, model: String, events: Int64) {
            self.provider = provider
            self.model = model
            self.events = events
        }
    }

    /// Contract 14's late events and corrections, as the tables of their own report files; empty
    /// (nothing listed) until a ledger has them.
    public struct LateEventsAndCorrections: Sendable {
        /// `late-events-DATE`, when the run writes it.
        public var lateEvents: ReportTable?
        /// `corrections-DATE`, when the run writes it.
        public var corrections: ReportTable?

        public init(lateEvents: ReportTable? = nil, corrections: ReportTable? = nil) {
            self.lateEvents = lateEvents
            self.corrections = corrections
        }
    }
}

extension ReportSnapshot {
    /// The page's input: the tables the same run writes its files from, and this snapshot's
    /// thresholds, days and quota pools.
    func pageInput(
        costSummary: ReportTable, budgets: ReportTable, recommendations: ReportTable, externalAPI: ReportTable,
        reconciliation: ReportTable, lateEventsAndCorrections: ReportPage.LateEventsAndCorrections
    ) -> ReportPage.Input {
        var unknown: [[String]: Int64] = [:]
        for (key, totals) in monthToDate where key.kind == .llm && totals.section11.unknownModelRequests > 0 {
            unknown[[key.provider, key.model], default: 0] += totals.section11.unknownModelRequests
        }
        return ReportPage.Input(
            asOf: asOf, head: head, costSummary: costSummary, budgets: budgets,
            thresholds: Dictionary(
                self.budgets.tenants.map { ($0.tenantID, ReportPage.Thresholds(warning: $0.policy.warningThreshold, critical: $0.policy.criticalThreshold)) },
                uniquingKeysWith: { first, _ in first }),
            recommendations: recommendations, externalAPI: externalAPI,
            quotaExhaustion: Dictionary(
                quotaPools.compactMap { pool in pool.exhaustedOn.map { ([pool.service, pool.operation, pool.tenantID], $0) } },
                uniquingKeysWith: { first, _ in first }),
            reconciliation: reconciliation, dailySpend: dailySpend,
            unknownModels: unknown.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map {
                ReportPage.ModelEvents(provider: $0.key[0], model: $0.key[1], events: $0.value)
            },
            lateEventsAndCorrections: lateEventsAndCorrections)
    }
}
