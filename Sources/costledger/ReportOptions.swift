import ArgumentParser
import BudgetEngine
import CostLedger
import Optimizer
import Pricing
import Reports

/// Options of the commands that look at time.
struct AsOfOption: ParsableArguments {
    @Option(name: .customLong("as-of"), help: "The report time, RFC 3339 or YYYY-MM-DD (default: now). Later events are ignored.")
    var asOf: String?

    func instant() throws -> Timestamp {
        try asOf.map { try parseInstant($0, option: "--as-of") } ?? .now()
    }
}

extension LedgerOptions {
    func loadTenants() throws -> TenantDirectory {
        do {
            return try TenantDirectory(contentsOf: tenants)
        } catch {
            throw CLIError.usage(error.description)
        }
    }

    func loadDowngrades() throws -> DowngradeMap {
        do {
            return try DowngradeMap(contentsOf: pricing + "/recommend.csv")
        } catch {
            throw CLIError.usage(error.description)
        }
    }

    /// Sums the ledger for `asOf`; runs the optimiser only when given its settings.
    func snapshot(asOf: Timestamp, optimizer: OptimizerSettings? = nil) throws -> ReportSnapshot {
        let store = try openStore(create: false)
        let path = databasePath
        return try ReportSnapshot(
            store: store, openReader: { try SQLiteLedgerStore(path: path, pageCacheMiB: 16) }, prices: try loadPrices(),
            tenants: try loadTenants(), downgrades: try loadDowngrades(), optimizer: optimizer, asOf: asOf)
    }
}
