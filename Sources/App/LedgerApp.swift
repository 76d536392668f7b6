import BudgetEngine
import CostLedger
import Optimizer
import Pricing
import Reports

/// The read use cases of costledger — costs, budgets, recommendations, the nightly snapshot and
/// the exports — the same for the CLI and the HTTP API, so the two cannot disagree. The shells
/// only turn arguments or requests into these calls, and tables into bytes.
///
/// Every call reads through a reader of its own, opened at ``location`` and closed when it ends
/// (on PostgreSQL, one `REPEATABLE READ` snapshot per call).
public struct LedgerApp: Sendable {
    public let location: StoreLocation

    public init(location: StoreLocation) {
        self.location = location
    }

    /// Runs `body` with a reader of the ledger, closed when `body` ends.
    public func withReader<Result>(_ body: (any LedgerStore) async throws -> Result) async throws -> Result {
        let reader = try await location.openReader()
        return try await reader.closing { try await body(reader) }
    }

    /// Opens further readers for work split across tasks; nil where another reader would not see
    /// the same ledger as the first (a PostgreSQL reader has a snapshot of its own).
    var parallelReaders: (@Sendable () async throws -> any LedgerStore)? {
        switch location {
        case .sqlite: { [location] in try await location.openReader() }
        case .postgres: nil
        }
    }

    /// The cost summary of `tenant`'s events with `from <= timestamp < to`.
    public func costs(tenant: String, from: Timestamp, to: Timestamp) async throws -> ReportTable {
        let usage = try await withReader { try await LedgerAggregates(store: $0).usage(from: from.millis, to: to.millis) }
        return ReportSnapshot.costSummaryTable(usage.filter { $0.key.tenantID == tenant }, period: "\(from)/\(to)")
    }

    /// The budget status at `asOf` of every tenant with events or a row in `tenants`, sorted by
    /// tenant id, keeping those `visible` allows.
    public func budgets(
        asOf: Timestamp, tenants: TenantDirectory, visible: @Sendable (String) -> Bool = { _ in true }
    ) async throws -> ReportTable {
        let snapshot = try await withReader { store in
            let aggregates = LedgerAggregates(store: store)
            let known = Set(try await aggregates.usage(to: asOf.millis + 1).keys.map(\.tenantID))
            return try await BudgetEngine(aggregates: aggregates, tenants: tenants).budgets(asOf: asOf, tenantIDs: known)
        }
        var table = ReportTable(columns: ReportSnapshot.budgetColumns)
        table.rows = snapshot.tenants.filter { visible($0.tenantID) }.map(ReportSnapshot.budgetRow)
        return table
    }

    /// The optimiser's recommendations at `asOf` for the tenants `visible` allows.
    public func recommendations(
        asOf: Timestamp, prices: PriceTable, downgrades: DowngradeMap, settings: OptimizerSettings,
        visible: @Sendable (String) -> Bool = { _ in true }
    ) async throws -> ReportTable {
        let found = try await withReader { store in
            try await Optimizer(aggregates: LedgerAggregates(store: store), prices: prices, downgrades: downgrades, settings: settings)
                .recommend(asOf: asOf)
        }
        return ReportSnapshot.recommendationsTable(found.filter { visible($0.tenantID) })
    }

    /// Everything the nightly report shows for `asOf`; the optimiser runs only when given its settings.
    public func snapshot(
        asOf: Timestamp, prices: PriceTable, tenants: TenantDirectory, downgrades: DowngradeMap, optimizer: OptimizerSettings?
    ) async throws -> ReportSnapshot {
        try await withReader { store in
            try await ReportSnapshot(
                store: store, openReader: parallelReaders, prices: prices, tenants: tenants, downgrades: downgrades,
                optimizer: optimizer, asOf: asOf)
        }
    }

    /// Re-walks the whole ledger (see ``Ledger/verify(head:progress:)``), checking `head` first when given.
    public func verify(
        prices: PriceTable, head: LedgerHead? = nil, progress: ((Int64) -> Void)? = nil
    ) async throws -> VerificationReport {
        try await withReader { try await Ledger(store: $0, prices: prices).verify(head: head, progress: progress) }
    }

    /// The export formats: finance line items (csv, json) and FOCUS (1.4 or 1.2).
    public enum ExportFormat: Sendable {
        case lineItems(LedgerExport.Format)
        /// Needs the price table the ledger was priced with.
        case focus(PriceTable, FocusVersion)
    }

    /// Streams the export of the events `query` selects to `output`; the number of rows written.
    /// - Parameter parallel: let a large csv export be formatted by two tasks (the CLI; the
    ///   server keeps one task per export).
    public func export(_ query: RecordQuery, format: ExportFormat, to output: OutputFile, parallel: Bool = false) async throws -> Int {
        try await withReader { store in
            switch format {
            case .lineItems(let lineItems):
                try await LedgerExport(query: query, format: lineItems).write(
                    from: store, openReader: parallel ? parallelReaders : nil, to: output)
            case .focus(let prices, let version):
                try await FocusExport(query: query, prices: prices, version: version).write(from: store, to: output)
            }
        }
    }
}

extension LedgerApp {
    /// Copies the whole ledger at `source` into the empty one at `destination` (either engine,
    /// either way), verifying the source's chain as it goes; the destination's schema is created.
    /// - Parameter prices: the price table the ledger was priced with (it names the free-quota pools).
    public static func copy(
        from source: StoreLocation, to destination: StoreLocation, prices: PriceTable, progress: (Int64) -> Void = { _ in }
    ) async throws -> CopyReport {
        let reader = try await source.openReader()
        return try await reader.closing {
            let writer = try await destination.openWriter()
            return try await writer.closing {
                try await LedgerCopy.run(from: reader, to: writer, pricer: EventPricer(prices: prices), progress: progress)
            }
        }
    }
}
